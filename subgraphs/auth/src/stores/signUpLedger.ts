import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { DelayPolicy, ThrottleVerdict } from '../domain/loginThrottle.ts';

/** One sign-up attempt from an address, kept for the policy's window. */
interface SignUpEntry {
  readonly _id: string;
  readonly address: string;
  readonly at: Date;
}

/** Sign-ups per client address in `authServiceDB.signUps`, shared by every replica. */
export interface SignUpLedger {
  /**
   * Admits a sign-up while the address made fewer than `policy.freeAttempts` within
   * `policy.resetAfterMs`, and counts it; otherwise says when the oldest one leaves the window.
   */
  admit(address: string, now: Date, policy: DelayPolicy): Promise<ThrottleVerdict>;
  /**
   * Deletes entries older than `before`, of every address: `admit` removes an address's old ones
   * only when that address signs up again, and most never do.
   */
  sweep(before: Date): Promise<number>;
}

/**
 * Each attempt inserts an entry of its own and then counts the entries before it, so attempts
 * from one address never contend: people signing up at once behind one NAT all get through while
 * under the limit. (A counter updated in place serialises them; on FerretDB its losers had to be
 * refused after a second of retries.) Racing attempts see each other's entries in one order
 * (time, then id), so no more than the limit are admitted; a refused attempt removes its entry.
 */
export function createSignUpLedger(db: Db): SignUpLedger {
  const entries: Collection<SignUpEntry> = db.collection('signUps');
  let indexed: Promise<unknown> | undefined;

  return {
    async admit(address, now, policy) {
      indexed ??= entries.createIndex({ address: 1, at: 1 }).catch((error: unknown) => {
        indexed = undefined;
        throw error;
      });
      await indexed;
      const since = new Date(now.getTime() - policy.resetAfterMs);
      await entries.deleteMany({ address, at: { $lt: since } });
      const entry: SignUpEntry = { _id: randomUUID(), address, at: now };
      await entries.insertOne(entry);
      const before = await entries.countDocuments({
        address,
        $or: [{ at: { $gte: since, $lt: entry.at } }, { at: entry.at, _id: { $lt: entry._id } }],
      });
      if (before < policy.freeAttempts) return { allowed: true };
      await entries.deleteOne({ _id: entry._id });
      const oldest = await entries.findOne(
        { address, at: { $gte: since } },
        { sort: { at: 1 }, projection: { at: 1 } },
      );
      const leavesAt = (oldest?.at.getTime() ?? now.getTime()) + policy.resetAfterMs;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((leavesAt - now.getTime()) / 1000)),
      };
    },
    async sweep(before) {
      await entries.createIndex({ at: 1 });
      const { deletedCount } = await entries.deleteMany({ at: { $lt: before } });
      return deletedCount;
    },
  };
}
