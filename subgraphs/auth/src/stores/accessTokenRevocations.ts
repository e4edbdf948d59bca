import type { Collection, Db, Document } from 'mongodb';
import { documentWithOutbox, newEvent, type OutboxEntry } from '@cashtrack/events';
import { isDuplicateKey } from '@cashtrack/events/mongo';
import type { Logger, VerifiedAccessToken } from '@cashtrack/platform';
import type { RevokedAccessTokens } from '@cashtrack/platform/tokens';

interface RevocationDocument {
  /** The token's `jti`. */
  readonly _id: string;
  readonly userId: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date;
  readonly outbox?: readonly OutboxEntry[];
}

/** A revocation kept a while past its token's expiry before it is deleted, in ms. */
const keptAfterExpiryMs = 60 * 60 * 1000;

export interface AccessTokenRevocations {
  /** The collection, untyped, for the outbox relay (which reads only `outbox`). */
  readonly outboxCollection: Collection<Document>;
  /**
   * Refuses `token` from now until it expires: at once in this process, and in every verifier
   * once the relay has published its `AccessTokenRevoked` (the event is stored with the
   * revocation in one insert, so it cannot be lost). A repeat changes nothing.
   */
  revoke(token: VerifiedAccessToken, correlationId: string, now: Date): Promise<void>;
  /** Puts every revocation of a token not yet expired into this process's set (at start-up). */
  load(now: Date): Promise<number>;
}

/**
 * `authServiceDB.accessTokenRevocations`: one small document per `logOut`, deleted an hour after
 * its token expired, so the relay's scan of it stays short.
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
  return {
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
      try {
        await collection.insertOne(
          documentWithOutbox(
            {
              _id: token.tokenId,
              userId: token.userId,
              expiresAt: token.expiresAt,
              revokedAt: now,
            },
            [event],
          ),
        );
        dependencies.outboxWritten();
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      // Tokens expired long ago are refused for their `exp`; their revocations can go. An event
      // still unpublished by then (Kafka down for an hour) would have nothing left to refuse.
      await collection
        .deleteMany({ expiresAt: { $lt: new Date(now.getTime() - keptAfterExpiryMs) } })
        .catch((error: unknown) => log.warn({ err: error }, 'old revocations not deleted'));
    },
    async load(now) {
      const documents = await collection
        .find({ expiresAt: { $gt: now } }, { projection: { expiresAt: 1 } })
        .toArray();
      for (const document of documents) revoked.revoke(document._id, document.expiresAt);
      return documents.length;
    },
  };
}
