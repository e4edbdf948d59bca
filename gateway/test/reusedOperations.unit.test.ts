import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { buildSchema } from '@apollo/federation-internals';
import { parse, type DocumentNode } from 'graphql';
import { reuseExecutedOperations } from '../src/reusedOperations.ts';

/**
 * The package as @apollo/gateway (CommonJS) reaches it, through its live exports: an ES import
 * of a CommonJS package keeps the value an export had when it was first imported.
 */
const federationInternals = createRequire(import.meta.url)('@apollo/federation-internals') as {
  readonly operationFromDocument: (
    schema: ReturnType<typeof buildSchema>,
    document: DocumentNode,
    options?: { validate?: boolean },
  ) => { toString(): string };
};

function operationFromDocument(
  ...args: Parameters<typeof federationInternals.operationFromDocument>
): ReturnType<typeof federationInternals.operationFromDocument> {
  return federationInternals.operationFromDocument(...args);
}

const schema = buildSchema(`
  type Query { me: User }
  type User { id: ID! name: String }
`);
const query = 'query Me { me { id ...Named } } fragment Named on User { name }';

/** The document `executeQueryPlan` builds from a request's parsed one, as @apollo/gateway does. */
function executedDocument(parsed: ReturnType<typeof parse>) {
  return { ...parsed, definitions: [...parsed.definitions] };
}

describe('operations reused between executions of the same parsed document', () => {
  reuseExecutedOperations();

  it('builds the operation of one parsed document once, as the gateway executes it', () => {
    const parsed = parse(query);
    const first = operationFromDocument(schema, executedDocument(parsed), { validate: false });
    const again = operationFromDocument(schema, executedDocument(parsed), { validate: false });
    expect(again === first).toBe(true);
    expect(first.toString()).toBe(
      operationFromDocument(schema, parse(query), { validate: false }).toString(),
    );
  });

  it('builds anew for another parse of the same text, and whenever it validates', () => {
    const parsed = parse(query);
    const executed = operationFromDocument(schema, executedDocument(parsed), { validate: false });
    expect(operationFromDocument(schema, parse(query), { validate: false })).not.toBe(executed);
    expect(operationFromDocument(schema, parsed)).not.toBe(operationFromDocument(schema, parsed));
  });

  it('still refuses a document the schema cannot answer when it validates', () => {
    expect(() => operationFromDocument(schema, parse('{ me { age } }'))).toThrow(/age/);
  });
});
