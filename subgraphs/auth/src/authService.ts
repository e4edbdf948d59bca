import { randomBytes, randomUUID } from 'node:crypto';
import { newEvent } from '@cashtrack/events';
import { CodedError, type Logger, type VerifiedAccessToken } from '@cashtrack/platform';
import type { AccessTokenIssuer } from './accessTokenIssuer.ts';
import type { AccessTokenRevocations } from './accessTokenRevocations.ts';
import type { CredentialStore } from './credentialStore.ts';
import { normalizeEmail, validateSignUp, type SignUpInput } from './domain/credentialRules.ts';
import {
  canLogOut,
  decideRefresh,
  formatRefreshToken,
  hashRefreshSecret,
  parseRefreshToken,
  type RefreshPolicy,
} from './domain/refreshFamily.ts';
import type { LoginGuard } from './loginGuard.ts';
import type { PasswordHasher } from './passwordHasher.ts';
import type { RefreshFamilyStore } from './refreshFamilyStore.ts';

/** What signUp, logIn and refreshSession answer with (GraphQL `AuthPayload`). */
export interface AuthSession {
  readonly userId: string;
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  /** From signUp and logIn: makes this client a known one at its next log-in (loginGuard.ts). */
  readonly deviceToken: string | null;
}

/** Who is asking, as far as auth needs to know. */
export interface RequestOrigin {
  readonly correlationId: string;
  readonly clientAddress: string;
}

export interface AuthServiceDependencies {
  readonly credentials: CredentialStore;
  readonly families: RefreshFamilyStore;
  /** Log-in throttling: who may try now, and device tokens for known clients. */
  readonly loginGuard: LoginGuard;
  readonly hasher: PasswordHasher;
  readonly issueAccessToken: AccessTokenIssuer;
  /** Where `logOut` records the access token it ends. */
  readonly revocations: Pick<AccessTokenRevocations, 'revoke'>;
  /** HMAC key for refresh-token successors (refreshTokenKey.ts). */
  readonly refreshTokenKey: Buffer;
  readonly refreshPolicy: RefreshPolicy;
  /** Called after a write that left events in an outbox, so the relay need not wait for its tick. */
  readonly outboxWritten: () => void;
  readonly now: () => Date;
  readonly log: Logger;
}

export interface AuthService {
  signUp(input: SignUpInput, origin: RequestOrigin): Promise<AuthSession>;
  logIn(
    input: {
      readonly email: string;
      readonly password: string;
      /** The device token an earlier session gave this client, if it kept one. */
      readonly deviceToken?: string | null;
    },
    origin: RequestOrigin,
  ): Promise<AuthSession>;
  refreshSession(refreshToken: string): Promise<AuthSession>;
  /**
   * Revokes the session `refreshToken` belongs to, and the access token `caller` presented, which
   * every verifier refuses from then until it expires; false (revoking nothing) when the session
   * is not one of the caller's.
   */
  logOut(
    caller: VerifiedAccessToken,
    refreshToken: string,
    origin: RequestOrigin,
  ): Promise<boolean>;
}

const invalidCredentials = (): CodedError =>
  new CodedError('INVALID_CREDENTIALS', 'The email or password is not correct');
const invalidRefreshToken = (): CodedError =>
  new CodedError('INVALID_REFRESH_TOKEN', 'The refresh token is not valid; sign in again');

/** A refresh that lost a race rereads the family and decides again, at most this often. */
const maxRefreshConflicts = 3;

export function createAuthService(deps: AuthServiceDependencies): AuthService {
  const { log } = deps;

  /** Starts a refresh-token family and signs the first access token. */
  async function startSession(userId: string): Promise<AuthSession> {
    const now = deps.now();
    const familyId = randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const refreshTokenExpiresAt = new Date(now.getTime() + deps.refreshPolicy.lifetimeMs);
    await deps.families.start({
      familyId,
      userId,
      currentTokenHash: hashRefreshSecret(secret),
      generation: 0,
      rotatedAt: now,
      expiresAt: refreshTokenExpiresAt,
      revokedAt: null,
    });
    return session(userId, familyId, secret, refreshTokenExpiresAt, now);
  }

  return {
    async signUp(input, origin) {
      const valid = validateSignUp(input);
      // Before the password hash and the write, which are what a flood of sign-ups would cost.
      await deps.loginGuard.admitSignUp(origin.clientAddress);
      const userId = randomUUID();
      const now = deps.now();
      const registered = newEvent({
        type: 'UserRegistered',
        userId,
        aggregateId: userId,
        aggregateVersion: 1,
        payload: {
          email: valid.email,
          displayName: valid.displayName,
          currency: 'USD',
          timezone: 'UTC',
        },
        correlationId: origin.correlationId,
        now,
      });
      const password = await deps.hasher.hash(valid.password);
      const created = await deps.credentials.create({ email: valid.email, userId, password }, now, [
        registered,
      ]);
      if (!created) {
        throw new CodedError('EMAIL_TAKEN', 'An account with this email already exists', {
          field: 'email',
        });
      }
      deps.outboxWritten();
      log.info({ userId }, 'user signed up');
      const session = await startSession(userId);
      return { ...session, deviceToken: deps.loginGuard.deviceTokenFor(valid.email) };
    },

    async logIn(input, origin) {
      const email = normalizeEmail(input.email);
      // Throws TOO_MANY_ATTEMPTS; an admitted attempt already counts on most counters.
      const attempt = await deps.loginGuard.admit({
        email,
        clientAddress: origin.clientAddress,
        deviceToken: input.deviceToken,
      });
      const credential = await deps.credentials.findByEmail(email);
      // Unknown email or wrong password: the same work, the same answer.
      const matches = await deps.hasher.verify(input.password, credential?.password);
      if (credential === undefined || !matches) {
        await attempt.failed();
        log.info({ clientAddress: origin.clientAddress }, 'log-in failed');
        throw invalidCredentials();
      }
      await attempt.succeeded();
      log.info({ userId: credential.userId }, 'user logged in');
      const session = await startSession(credential.userId);
      return { ...session, deviceToken: deps.loginGuard.deviceTokenFor(email) };
    },

    async refreshSession(refreshToken) {
      const parsed = parseRefreshToken(refreshToken);
      if (parsed === undefined) throw invalidRefreshToken();
      for (let attempt = 0; attempt < maxRefreshConflicts; attempt += 1) {
        const family = await deps.families.find(parsed.familyId);
        const now = deps.now();
        const decision = decideRefresh({
          family,
          presentedSecret: parsed.secret,
          derivationKey: deps.refreshTokenKey,
          now,
          policy: deps.refreshPolicy,
        });
        switch (decision.kind) {
          case 'refused':
            log.info({ familyId: parsed.familyId, reason: decision.reason }, 'refresh refused');
            throw invalidRefreshToken();
          case 'reuseDetected':
            await deps.families.revoke(parsed.familyId, now, 'reuse');
            log.warn(
              {
                familyId: parsed.familyId,
                userId: family?.userId,
                stepsBehind: decision.stepsBehind,
              },
              'refresh token reused; session family revoked',
            );
            throw invalidRefreshToken();
          case 'rotate': {
            if (family === null) throw invalidRefreshToken();
            const rotated = await deps.families.rotate(family, family.currentTokenHash, {
              tokenHash: hashRefreshSecret(decision.successor),
              rotatedAt: now,
              expiresAt: decision.expiresAt,
            });
            // Lost the race to a concurrent refresh with the same token: decide again on what
            // that one wrote (it becomes a repeatRotation, answered with the same successor).
            if (!rotated) continue;
            return session(
              family.userId,
              parsed.familyId,
              decision.successor,
              decision.expiresAt,
              now,
            );
          }
          case 'repeatRotation':
            if (family === null) throw invalidRefreshToken();
            log.info(
              { familyId: parsed.familyId },
              'concurrent refresh answered with the same successor',
            );
            return session(
              family.userId,
              parsed.familyId,
              decision.successor,
              decision.expiresAt,
              now,
            );
        }
      }
      throw new CodedError('REFRESH_CONFLICT', 'The session changed too often at once; try again');
    },

    async logOut(caller, refreshToken, origin) {
      const { userId } = caller;
      const parsed = parseRefreshToken(refreshToken);
      if (parsed === undefined) return false;
      const family = await deps.families.find(parsed.familyId);
      const allowed = canLogOut({
        family,
        userId,
        presentedSecret: parsed.secret,
        derivationKey: deps.refreshTokenKey,
        policy: deps.refreshPolicy,
      });
      if (!allowed) return false;
      const now = deps.now();
      // The access token first: a failure here leaves the session alive, and the app retries.
      await deps.revocations.revoke(caller, origin.correlationId, now);
      await deps.families.revoke(parsed.familyId, now, 'logOut');
      log.info({ userId, familyId: parsed.familyId, tokenId: caller.tokenId }, 'logged out');
      return true;
    },
  };

  function session(
    userId: string,
    familyId: string,
    secret: string,
    refreshTokenExpiresAt: Date,
    now: Date,
  ): AuthSession {
    const access = deps.issueAccessToken(userId, now);
    return {
      userId,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: formatRefreshToken(familyId, secret),
      refreshTokenExpiresAt,
      deviceToken: null,
    };
  }
}
