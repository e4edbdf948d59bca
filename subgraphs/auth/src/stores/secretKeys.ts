import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@cashtrack/events/mongo';

interface SecretDocument {
  readonly _id: string;
  /** base64 */
  readonly key: string;
  readonly createdAt: Date;
}

/**
 * The HMAC key refresh-token successors are derived with (see domain/refreshFamily.ts). Made on
 * first start and kept in `authServiceDB.secrets`, so every replica derives the same successors.
 * Replicas starting together race to insert it; the loser reads the winner's.
 */
export async function loadRefreshTokenKey(db: Db, now: Date): Promise<Buffer> {
  return loadSecretKey(db, 'refreshTokenDerivation', now);
}

/** The HMAC key device tokens are signed with (domain/deviceToken.ts), kept the same way. */
export async function loadDeviceTokenKey(db: Db, now: Date): Promise<Buffer> {
  return loadSecretKey(db, 'deviceTokenSigning', now);
}

async function loadSecretKey(db: Db, documentId: string, now: Date): Promise<Buffer> {
  const secrets: Collection<SecretDocument> = db.collection('secrets');
  const existing = await secrets.findOne({ _id: documentId });
  if (existing !== null) return Buffer.from(existing.key, 'base64');
  const key = randomBytes(32);
  try {
    await secrets.insertOne({ _id: documentId, key: key.toString('base64'), createdAt: now });
    return key;
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    const winner = await secrets.findOne({ _id: documentId });
    if (winner === null) throw error;
    return Buffer.from(winner.key, 'base64');
  }
}
