import type { Collection, Db, Document } from 'mongodb';
import {
  documentWithOutbox,
  newEvent,
  type CashTrackEvent,
  type OutboxEntry,
} from '@cashtrack/events';
import { isDuplicateKey } from '@cashtrack/events/mongo';
import {
  accessTokenLifetimeSeconds,
  type Logger,
  type VerifiedAccessToken,
} from '@cashtrack/platform';
import type { RevokedAccessTokens } from '@cashtrack/platform/tokens';

interface RevocationDocument {
  /** The token's `jti`, or the session's id. */
  readonly _id: string;
  /** What `_id` names; absent on revocations of single tokens written before sessions were. */
  readonly kind?: 'token' | 'session';
  readonly userId: string;
  /** When the last token the revocation covers expires. */
  readonly expiresAt: Date;
  readonly revokedAt: Date;
  readonly outbox?: readonly OutboxEntry[];
}

/** A revocation kept a while past its token's expiry before it is deleted, in ms. */
const keptAfterExpiryMs = 60 * 60 * 1000;

/**
 * How much longer than one access-token lifetime a session's revocation lasts, in ms: a refresh
 * that raced the revocation (its family is revoked just after this is written) may hand out one
 * more token, a moment later.
 */
const sessionRevocationMarginMs = 60_000;

/** One sign-in session of a user, as `revokeSessions` needs it. */
export interface SessionToRevoke {
  readonly userId: string;
  readonly sessionId: string;
}

export interface AccessTokenRevocations {
  /** The collection, untyped, for the outbox relay (which reads only `outbox`). */
  readonly outboxCollection: Collection<Document>;
  /**
   * Refuses `token` from now until it expires: at once in this process, and in every verifier
   * once the relay has published its `AccessTokenRevoked` (the event is stored with the
   * revocation in one insert, so it cannot be lost). A repeat changes nothing.
   */
  revoke(token: VerifiedAccessToken, correlationId: string, now: Date): Promise<void>;
  /**
   * Refuses every access token `sessions` handed out, up to now, as `revoke` does one token: a
   * `SessionRevoked` per session, each stored with its revocation. Call it before the sessions'
   * refresh-token families are revoked, so a failure in between leaves a session that can still
   * be ended again, never one whose tokens outlive it.
   */
  revokeSessions(
    sessions: readonly SessionToRevoke[],
    correlationId: string,
    now: Date,
  ): Promise<void>;
  /**
   * Ends the caller's `sessionIds` as `revokeSessions` does, and refuses the token the caller
   * presented too when none of them covers it: a token signed before tokens named their
   * session, or one of a session that had already ended.
   */
  revokeCallersSessions(
    caller: VerifiedAccessToken,
    sessionIds: readonly string[],
    correlationId: string,
    now: Date,
  ): Promise<void>;
  /** Puts every revocation not yet expired into this process's set (at start-up). */
  load(now: Date): Promise<number>;
}

/**
 * `authServiceDB.accessTokenRevocations`: one small document per revoked token or session,
 * deleted an hour after the last token it covers expired, so the relay's scan of it stays short.
 */
export function createAccessTokenRevocations(
  db: Db,
  dependencies: {
    readonly revoked: RevokedAccessTokens;
    /** Wakes the outbox relay after a write. */
    readonly outboxWritten: () => void;
    readonly log: Logger;
  },
): AccessTokenRevocations {
  const collection: Collection<RevocationDocument> = db.collection('accessTokenRevocations');
  const { revoked, log } = dependencies;

  /** Stores one revocation with its event, once: a repeat of the same `_id` changes nothing. */
  async function store(
    revocation: Omit<RevocationDocument, 'revokedAt' | 'outbox'>,
    event: CashTrackEvent,
    now: Date,
  ): Promise<void> {
    try {
      await collection.insertOne(documentWithOutbox({ ...revocation, revokedAt: now }, [event]));
      dependencies.outboxWritten();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * Tokens expired long ago are refused for their `exp`; their revocations can go. An event
   * still unpublished by then (Kafka down for an hour) would have nothing left to refuse.
   */
  async function deleteOld(now: Date): Promise<void> {
    await collection
      .deleteMany({ expiresAt: { $lt: new Date(now.getTime() - keptAfterExpiryMs) } })
      .catch((error: unknown) => log.warn({ err: error }, 'old revocations not deleted'));
  }

  const revocations: AccessTokenRevocations = {
    outboxCollection: db.collection('accessTokenRevocations'),
    async revoke(token, correlationId, now) {
      revoked.revoke(token.tokenId, token.expiresAt);
      const event = newEvent({
        type: 'AccessTokenRevoked',
        userId: token.userId,
        aggregateId: token.tokenId,
        aggregateVersion: 1,
        payload: { tokenId: token.tokenId, expiresAt: token.expiresAt.toISOString() },
        correlationId,
        now,
      });
      await store(
        { _id: token.tokenId, kind: 'token', userId: token.userId, expiresAt: token.expiresAt },
        event,
        now,
      );
      await deleteOld(now);
    },
    async revokeSessions(sessions, correlationId, now) {
      const lastExpiresAt = new Date(
        now.getTime() + accessTokenLifetimeSeconds * 1000 + sessionRevocationMarginMs,
      );
      for (const { sessionId } of sessions) revoked.revokeSession(sessionId, lastExpiresAt);
      await Promise.all(
        sessions.map(({ userId, sessionId }) =>
          store(
            { _id: sessionId, kind: 'session', userId, expiresAt: lastExpiresAt },
            newEvent({
              type: 'SessionRevoked',
              userId,
              aggregateId: sessionId,
              aggregateVersion: 1,
              payload: { sessionId, lastExpiresAt: lastExpiresAt.toISOString() },
              correlationId,
              now,
            }),
            now,
          ),
        ),
      );
      await deleteOld(now);
    },
    async revokeCallersSessions(caller, sessionIds, correlationId, now) {
      await revocations.revokeSessions(
        sessionIds.map((sessionId) => ({ userId: caller.userId, sessionId })),
        correlationId,
        now,
      );
      if (caller.sessionId === undefined || !sessionIds.includes(caller.sessionId)) {
        await revocations.revoke(caller, correlationId, now);
      }
    },
    async load(now) {
      const documents = await collection
        .find({ expiresAt: { $gt: now } }, { projection: { kind: 1, expiresAt: 1 } })
        .toArray();
      for (const document of documents) {
        if (document.kind === 'session') revoked.revokeSession(document._id, document.expiresAt);
        else revoked.revoke(document._id, document.expiresAt);
      }
      return documents.length;
    },
  };
  return revocations;
}
