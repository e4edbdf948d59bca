// The limits live in platform/, shared with every subgraph, so both apply one implementation.
export { operationLimitRules, operationLimitsPlugin } from '@cashtrack/platform/graphql';
export type { OperationLimits } from '@cashtrack/platform/graphql';
