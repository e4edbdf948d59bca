// GraphQL serving shared by the gateway and the subgraphs: errors with codes, operation limits,
// the subgraph mount, graphql-ws, the schema file and the parsed-document cache.
export {
  clientErrorCode,
  codedGraphQLError,
  createErrorFormatter,
  unauthenticatedError,
} from './graphqlErrors.ts';
export { requireViewer } from './subgraphServer.ts';
export type { SubgraphContext, SubgraphResolvers } from './subgraphServer.ts';
export { loadSchemaFile } from './schemaFile.ts';
export { createDocumentCache } from './documentCache.ts';
export type { DocumentCacheOptions } from './documentCache.ts';
export { serveGraphQLWs } from './graphqlWsServer.ts';
export type { GraphQLWsServerOptions, SocketRefusal } from './graphqlWsServer.ts';
export {
  operationLimitCodes,
  operationLimitRules,
  operationLimitsFromEnv,
  operationLimitsPlugin,
  unknownListSize,
} from './operationLimits.ts';
export type {
  OperationLimitCode,
  OperationLimitOptions,
  OperationLimits,
} from './operationLimits.ts';
