import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/** Static limits checked before an operation is planned or any subgraph is called. */
export interface OperationLimits {
  /** Deepest selection nesting. `GATEWAY_MAX_DEPTH`, default 10. */
  readonly maxDepth: number;
  /** Most aliases in one operation. `GATEWAY_MAX_ALIASES`, default 15. */
  readonly maxAliases: number;
  /** Highest static cost estimate (objects 2, scalars 1, depth-weighted). `GATEWAY_MAX_COST`, default 5000. */
  readonly maxCost: number;
  /**
   * Most lexical tokens: graphql-js stops parsing past it (Apollo's `parseOptions.maxTokens`),
   * answering GRAPHQL_PARSE_FAILED. `GATEWAY_MAX_TOKENS`, default 2000.
   */
  readonly maxTokens: number;
  /** Most directives. Default 20. */
  readonly maxDirectives: number;
}

/**
 * graphql-armor's rules, each rejecting with its own `extensions.code` (armor's own errors have
 * none) and the limit in the message: QUERY_TOO_DEEP, TOO_MANY_ALIASES, QUERY_TOO_COSTLY,
 * TOO_MANY_DIRECTIVES.
 */
export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, ...rejectWith('QUERY_TOO_DEEP') }),
    maxAliasesRule({ n: limits.maxAliases, ...rejectWith('TOO_MANY_ALIASES') }),
    costLimitRule({ maxCost: limits.maxCost, ...rejectWith('QUERY_TOO_COSTLY') }),
    maxDirectivesRule({ n: limits.maxDirectives, ...rejectWith('TOO_MANY_DIRECTIVES') }),
  ] as ValidationRule[];
}

function rejectWith(code: string) {
  return {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(
          new GraphQLError(error.message.replace(/^Syntax Error: /, ''), {
            nodes: error.nodes,
            extensions: { code },
          }),
        );
      },
    ],
  };
}
