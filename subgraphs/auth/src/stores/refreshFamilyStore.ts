import type { Collection, Db } from 'mongodb';
import type { RefreshFamily } from '../domain/refreshFamily.ts';

/**
 * Why a family was revoked: its owner logged out of it, or of every session at once, or one of
 * its old tokens came back.
 */
type RevokedReason = 'logOut' | 'logOutEverywhere' | 'reuse';

interface RefreshFamilyDocument extends Omit<RefreshFamily, 'familyId'> {
  readonly _id: string;
  readonly revokedReason?: RevokedReason;
  readonly createdAt: Date;
}

/**
 * `authServiceDB.refreshFamilies`: one document per sign-in session. Every change is a
 * single-document conditional update, which MongoDB and the FerretDB that `infra/` builds
 * (patch 0007) make atomic, so racing refreshes cannot both rotate the same token.
 */
export interface RefreshFamilyStore {
  start(family: RefreshFamily): Promise<void>;
  find(familyId: string): Promise<RefreshFamily | null>;
  /**
   * Replaces the live token if it is still `expectedHash` and the family is not revoked; false
   * when another request rotated (or revoked) it first.
   */
  rotate(
    family: RefreshFamily,
    expectedHash: string,
    next: { readonly tokenHash: string; readonly rotatedAt: Date; readonly expiresAt: Date },
  ): Promise<boolean>;
  /** The ids of `userId`'s families neither revoked nor expired at `now`. */
  liveFamilyIdsOf(userId: string, now: Date): Promise<string[]>;
  /** Revokes the family unless it already is; true if this call revoked it. */
  revoke(familyId: string, now: Date, reason: RevokedReason): Promise<boolean>;
  /** Deletes the families whose live token expired before `expiredBefore`; answers how many. */
  sweep(expiredBefore: Date): Promise<number>;
}

export function createRefreshFamilyStore(db: Db): RefreshFamilyStore {
  const collection: Collection<RefreshFamilyDocument> = db.collection('refreshFamilies');
  return {
    async start(family) {
      await collection.insertOne({
        _id: family.familyId,
        userId: family.userId,
        currentTokenHash: family.currentTokenHash,
        generation: family.generation,
        rotatedAt: family.rotatedAt,
        expiresAt: family.expiresAt,
        revokedAt: family.revokedAt,
        createdAt: family.rotatedAt,
      });
    },
    async find(familyId) {
      const document = await collection.findOne({ _id: familyId });
      if (document === null) return null;
      return {
        familyId: document._id,
        userId: document.userId,
        currentTokenHash: document.currentTokenHash,
        generation: document.generation,
        rotatedAt: document.rotatedAt,
        expiresAt: document.expiresAt,
        revokedAt: document.revokedAt,
      };
    },
    async rotate(family, expectedHash, next) {
      const result = await collection.updateOne(
        { _id: family.familyId, currentTokenHash: expectedHash, revokedAt: null },
        {
          $set: {
            currentTokenHash: next.tokenHash,
            generation: family.generation + 1,
            rotatedAt: next.rotatedAt,
            expiresAt: next.expiresAt,
          },
        },
      );
      return result.modifiedCount === 1;
    },
    async liveFamilyIdsOf(userId, now) {
      await collection.createIndex({ userId: 1 });
      const documents = await collection
        .find({ userId, revokedAt: null, expiresAt: { $gt: now } }, { projection: { _id: 1 } })
        .toArray();
      return documents.map((document) => document._id);
    },
    async revoke(familyId, now, reason) {
      const result = await collection.updateOne(
        { _id: familyId, revokedAt: null },
        { $set: { revokedAt: now, revokedReason: reason } },
      );
      return result.modifiedCount === 1;
    },
    async sweep(expiredBefore) {
      await collection.createIndex({ expiresAt: 1 });
      const { deletedCount } = await collection.deleteMany({ expiresAt: { $lt: expiredBefore } });
      return deletedCount;
    },
  };
}
