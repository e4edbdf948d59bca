// Verifying access tokens: the JWT check, auth's key set, and the revoked tokens.
export {
  createAccessTokenVerifier,
  bearerToken,
  refuseRevokedTokens,
} from './accessTokenVerifier.ts';
export type {
  AccessTokenVerifier,
  AccessTokenVerifierOptions,
  PublicKeyLookup,
} from './accessTokenVerifier.ts';
export { RevokedAccessTokens } from './revokedAccessTokens.ts';
export { jwksKeySource } from './jwksKeySource.ts';
export type { JwksKeySourceOptions } from './jwksKeySource.ts';
export { cacheVerifiedTokens } from './verifiedTokenCache.ts';
export type { VerifiedTokenCacheOptions } from './verifiedTokenCache.ts';
