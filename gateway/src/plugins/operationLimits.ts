import type { ApolloServerPlugin } from '@apollo/server';
import { validate } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { operationLimitRules, type OperationLimits } from '../limits/operationLimits.ts';

/**
 * Applies the static operation limits once the operation is parsed and valid, before it is
 * planned. They run here rather than as Apollo validation rules because Apollo recodes every
 * validation error as GRAPHQL_VALIDATION_FAILED, and clients need to tell a depth limit from
 * a typo: an error thrown here keeps its own code (QUERY_TOO_DEEP, TOO_MANY_ALIASES...).
 */
export function operationLimits(limits: OperationLimits): ApolloServerPlugin<GatewayContext> {
  const rules = operationLimitRules(limits);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document }) {
          const [firstViolation] = validate(schema, document, rules);
          if (firstViolation !== undefined) throw firstViolation;
        },
      };
    },
  };
}
