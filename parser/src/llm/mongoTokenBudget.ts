import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@cashtrack/events/mongo';
import { utcDay, type TokenBudget } from './tokenBudget.ts';

/** One document per user per UTC day; `_id` is `userId:day`, so a charge is a single upsert. */
export interface TokenUsageDocument {
  readonly _id: string;
  readonly userId: string;
  readonly day: string;
  readonly tokens: number;
  readonly updatedAt: Date;
}

export const tokenUsageCollectionName = 'tokenUsage';

export function tokenUsageCollection(db: Db): Collection<TokenUsageDocument> {
  return db.collection<TokenUsageDocument>(tokenUsageCollectionName);
}

/**
 * The budget in the parser's database (`parserServiceDB`), shared by every worker replica.
 * Charges are `$inc` upserts: atomic on one document, so concurrent replicas never lose a charge
 * (the upsert that loses a race to create the day's document is retried once as an increment).
 */
export function mongoTokenBudget(
  usage: Collection<TokenUsageDocument>,
  dailyTokens: number,
  clock: () => Date = () => new Date(),
): TokenBudget {
  return {
    async hasRoom(userId) {
      const document = await usage.findOne({ _id: `${userId}:${utcDay(clock())}` });
      return (document?.tokens ?? 0) < dailyTokens;
    },
    async charge(userId, tokens) {
      if (tokens <= 0) return;
      const now = clock();
      const day = utcDay(now);
      const charge = () =>
        usage.updateOne(
          { _id: `${userId}:${day}` },
          { $inc: { tokens }, $set: { updatedAt: now }, $setOnInsert: { userId, day } },
          { upsert: true },
        );
      try {
        await charge();
      } catch (error) {
        // Two first charges of the day raced to insert; the loser's retry finds the document
        // and increments it.
        if (!isDuplicateKey(error)) throw error;
        await charge();
      }
    },
  };
}
