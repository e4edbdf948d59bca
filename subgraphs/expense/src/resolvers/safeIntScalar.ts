import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/**
 * `SafeInt`: an integer JavaScript numbers hold exactly (±(2^53 − 1)), so money in minor units
 * fits where GraphQL's 32-bit `Int` does not. Anything else is refused in both directions.
 */
export const safeIntScalar = new GraphQLScalarType<number, number>({
  name: 'SafeInt',
  description: 'An integer within ±(2^53 − 1), serialized as a JSON number.',
  serialize(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw new GraphQLError(`SafeInt cannot represent ${String(value)}`);
  },
  parseValue(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw new GraphQLError(`SafeInt cannot represent ${String(value)}`);
  },
  parseLiteral(node) {
    if (node.kind === Kind.INT) {
      const value = Number(node.value);
      if (Number.isSafeInteger(value)) return value;
    }
    throw new GraphQLError('SafeInt must be an integer within ±(2^53 − 1)', { nodes: node });
  },
});
