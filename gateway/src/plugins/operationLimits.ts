import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { operationLimitRules, type OperationLimits } from '../limits/operationLimits.ts';

/**
 * Applies the static operation limits once the operation is parsed and valid, before it is
 * planned. They run here rather than as Apollo validation rules because Apollo recodes every
 * validation error as GRAPHQL_VALIDATION_FAILED, and clients need to tell a depth limit from
 * a typo: an error thrown here keeps its own code (QUERY_TOO_DEEP, TOO_MANY_ALIASES...).
 *
 * The verdict depends on the schema and the document only (the limits read no variables), and
 * Apollo hands every request with the same query text the same parsed document from its
 * document cache, so each document is checked once per schema.
 */
export function operationLimits(limits: OperationLimits): ApolloServerPlugin<GatewayContext> {
  const rules = operationLimitRules(limits);
  const verdicts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, GraphQLError | null>>();
  const firstViolation = (schema: GraphQLSchema, document: DocumentNode): GraphQLError | null => {
    let forSchema = verdicts.get(schema);
    if (forSchema === undefined) {
      forSchema = new WeakMap();
      verdicts.set(schema, forSchema);
    }
    let verdict = forSchema.get(document);
    if (verdict === undefined) {
      verdict = validate(schema, document, rules)[0] ?? null;
      forSchema.set(document, verdict);
    }
    return verdict;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document }) {
          const violation = firstViolation(schema, document);
          // A fresh error per request: Apollo may annotate the one it is given.
          if (violation !== null) {
            throw new GraphQLError(violation.message, {
              nodes: violation.nodes,
              extensions: violation.extensions,
            });
          }
        },
      };
    },
  };
}
