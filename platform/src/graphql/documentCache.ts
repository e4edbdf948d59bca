import {
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { errorMessage } from '../errors.ts';

export interface DocumentCacheOptions {
  readonly schema: GraphQLSchema;
  /** Validation rules; graphql-js's specified rules plus any limits. */
  readonly rules: readonly ValidationRule[];
  /** Parsing stops past this many tokens. Default unlimited. */
  readonly maxTokens?: number;
  /** Distinct operations remembered; the oldest is forgotten past this. Default 1 000. */
  readonly maxEntries?: number;
}

/**
 * Parses and validates each distinct operation text once. Thousands of subscribers send the
 * same subscription text; each holding its own syntax tree would cost kilobytes per socket.
 * Answers the document, or the errors that refused it.
 */
export function createDocumentCache(
  options: DocumentCacheOptions,
): (source: string) => DocumentNode | readonly GraphQLError[] {
  const entries = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const maxEntries = options.maxEntries ?? 1_000;
  return (source) => {
    const known = entries.get(source);
    if (known !== undefined) return known;
    let outcome: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(source, { maxTokens: options.maxTokens });
      const errors = validate(options.schema, document, options.rules);
      outcome = errors.length > 0 ? errors : document;
    } catch (error) {
      outcome = [error instanceof GraphQLError ? error : new GraphQLError(errorMessage(error))];
    }
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(source, outcome);
    return outcome;
  };
}
