// The pure entry: contracts and helpers that load no broker, database or server library.
// Infrastructure lives in sub-entries, one folder each: '@cashtrack/platform/kafka', '/mongo',
// '/graphql', '/http', '/tokens', '/metrics' and '/service' (the runtime that wires them).
export { withCorrelation, currentCorrelationId, newCorrelationId } from './correlation.ts';
export type { CorrelationContext } from './correlation.ts';
export { createLogger } from './logger.ts';
export {
  activeTraceCarrier,
  activeTraceIds,
  contextFromHeaders,
  traceCarrierIn,
} from './traceContext.ts';
export type { HeaderValues, TraceCarrier, TraceIds } from './traceContext.ts';
export type { Logger } from './logger.ts';
export { CodedError, InternalCodedError, UnreachableCaseError, errorMessage } from './errors.ts';
export { envString, envInt, envList } from './env.ts';
export { commaList, readSetting, readSettings, text, wholeNumber } from './config/setting.ts';
export type { ConfigOf, Environment, Setting, Settings, SettingValue } from './config/setting.ts';
export {
  accessTokenAudienceSettings,
  accessTokenVerifierSettings,
  jwksSettings,
  kafkaReplicationFactorSetting,
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
export { stopOnShutdownSignals } from './shutdown.ts';
export type { ShutdownStep } from './shutdown.ts';
export { stopWithParent } from './parentLifeline.ts';
export type { StopWithParentOptions } from './parentLifeline.ts';
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
