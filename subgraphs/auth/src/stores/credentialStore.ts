import type { Collection, Db, Document } from 'mongodb';
import { documentWithOutbox, type CashTrackEvent, type WithOutbox } from '@cashtrack/events';
import { isDuplicateKey } from '@cashtrack/events/mongo';
import type { PasswordHash } from '../crypto/passwordHasher.ts';

/**
 * `authServiceDB.credentials`: one document per account, keyed by the normalised email, so the
 * database itself refuses a second account for an address (no unique secondary index needed).
 * New documents carry their `UserRegistered` in the outbox array; the relay publishes it.
 */
export interface CredentialDocument extends WithOutbox {
  /** The normalised email. */
  readonly _id: string;
  readonly userId: string;
  readonly password: PasswordHash;
  readonly createdAt: Date;
}

export interface Credential {
  readonly email: string;
  readonly userId: string;
  readonly password: PasswordHash;
}

export interface CredentialStore {
  /** The same collection, untyped, for the outbox relay (which reads only `outbox`). */
  readonly outboxCollection: Collection<Document>;
  /**
   * Stores the account and its pending events in one insert. Resolves false, writing nothing,
   * when the email is taken.
   */
  create(
    credential: Credential,
    createdAt: Date,
    events: readonly CashTrackEvent[],
  ): Promise<boolean>;
  findByEmail(email: string): Promise<Credential | undefined>;
}

export function createCredentialStore(db: Db): CredentialStore {
  const collection: Collection<CredentialDocument> = db.collection('credentials');
  return {
    outboxCollection: db.collection('credentials'),
    async create(credential, createdAt, events) {
      const document: CredentialDocument = documentWithOutbox(
        {
          _id: credential.email,
          userId: credential.userId,
          password: credential.password,
          createdAt,
        },
        events,
      );
      try {
        await collection.insertOne(document);
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },
    async findByEmail(email) {
      const document = await collection.findOne({ _id: email });
      return document === null
        ? undefined
        : { email: document._id, userId: document.userId, password: document.password };
    },
  };
}
