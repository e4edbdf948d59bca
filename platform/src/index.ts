export { withCorrelation, currentCorrelationId, newCorrelationId } from './correlation.ts';
export type { CorrelationContext } from './correlation.ts';
export { createLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { CodedError, InternalCodedError, UnreachableCaseError, errorMessage } from './errors.ts';
export { envString, envInt, envList } from './env.ts';
export { commaList, readSetting, readSettings, text, wholeNumber } from './config/setting.ts';
export type { ConfigOf, Environment, Setting, Settings, SettingValue } from './config/setting.ts';
export {
  accessTokenAudienceSettings,
  accessTokenVerifierSettings,
  jwksSettings,
  kafkaSettings,
  listenSettings,
  mongoSettings,
} from './config/sharedSettings.ts';
export { waitFor } from './waitFor.ts';
export { retryAtStartup, isTransient } from './startupRetry.ts';
export type { StartupRetryOptions } from './startupRetry.ts';
export type { WaitForOptions } from './waitFor.ts';
export {
  accessTokenAlgorithm,
  accessTokenUse,
  accessTokenLifetimeSeconds,
  issuedAccessTokenExtension,
  accessTokenAudienceFromEnv,
} from './accessTokens.ts';
export type {
  AccessTokenClaims,
  AccessTokenAudience,
  VerifiedAccessToken,
} from './accessTokens.ts';
export {
  createAccessTokenVerifier,
  bearerToken,
  refuseRevokedTokens,
} from './accessTokenVerifier.ts';
export { RevokedAccessTokens } from './revokedAccessTokens.ts';
export type {
  AccessTokenVerifier,
  AccessTokenVerifierOptions,
  PublicKeyLookup,
} from './accessTokenVerifier.ts';
export { jwksKeySource } from './jwksKeySource.ts';
export type { JwksKeySourceOptions } from './jwksKeySource.ts';
export { codedGraphQLError, unauthenticatedError, createErrorFormatter } from './graphqlErrors.ts';
export { connectMongo } from './mongo.ts';
export type { ConnectMongoOptions, MongoConnection } from './mongo.ts';
export { requireViewer } from './subgraphServer.ts';
export type { SubgraphContext, SubgraphResolvers } from './subgraphServer.ts';
export { sendJson } from './http/httpServer.ts';
export type { HttpRoute } from './http/httpServer.ts';
export {
  createMetricsRegistry,
  gaugeFrom,
  graphqlMetricsPlugin,
  httpMetrics,
  metricsRoute,
  subgraphFetchMetrics,
} from './metrics/index.ts';
export { stopOnShutdownSignals } from './shutdown.ts';
export type { ShutdownStep } from './shutdown.ts';
export { stopWithParent } from './parentLifeline.ts';
export type { StopWithParentOptions } from './parentLifeline.ts';
export { loadSchemaFile } from './schemaFile.ts';
export { createKafkaClient } from './kafkaClient.ts';
export type { KafkaClientOptions } from './kafkaClient.ts';
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
export {
  defaultSignatureMaxSkewMs,
  devSubgraphSharedSecret,
  gatewayClientAddressHeader,
  gatewaySignatureHeader,
  gatewaySignatureHeaders,
  gatewayTimestampHeader,
  subgraphSharedSecretFromEnv,
  verifyGatewaySignature,
} from './gatewaySignature.ts';
export type {
  GatewaySignatureCode,
  SharedSecretOptions,
  SignedRequestParts,
  VerifySignatureOptions,
} from './gatewaySignature.ts';
