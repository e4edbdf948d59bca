import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@cashtrack/events';
import {
  counterAfterAttempt,
  counterVerdict,
  type AttemptCounter,
  type DelayPolicy,
  type ThrottleVerdict,
} from './domain/loginThrottle.ts';

interface AttemptCounterDocument extends AttemptCounter {
  /** `pair:<email>|<address>`, `address:<ip>`, `email:<email>` or `device:<id>`. */
  readonly _id: string;
}

/** Log-in attempt counters in `authServiceDB.loginFailures`, shared by every replica. */
export interface LoginThrottleStore {
  /** The verdict on one more attempt, without charging it. */
  verdict(key: string, now: Date, policy: DelayPolicy): Promise<ThrottleVerdict>;
  /**
   * Charges one attempt if the counter allows it, atomically: of attempts racing on any number
   * of replicas, only as many are admitted as the policy allows.
   */
  admit(key: string, now: Date, policy: DelayPolicy): Promise<ThrottleVerdict>;
  /** Gives one admitted attempt back (it succeeded). */
  release(key: string): Promise<void>;
  clear(key: string): Promise<void>;
}

/**
 * An admission that keeps losing its compare-and-set is refused for a second rather than retried
 * without end: only attempts hammering one counter at once get here, and they are the ones to slow.
 */
const maxConflicts = 5;

export function createLoginThrottleStore(db: Db): LoginThrottleStore {
  const collection: Collection<AttemptCounterDocument> = db.collection('loginFailures');
  const read = async (key: string): Promise<AttemptCounterDocument | null> =>
    collection.findOne({ _id: key });
  return {
    async verdict(key, now, policy) {
      return counterVerdict(await read(key), now, policy);
    },
    async admit(key, now, policy) {
      for (let attempt = 0; attempt < maxConflicts; attempt += 1) {
        const current = await read(key);
        const verdict = counterVerdict(current, now, policy);
        if (!verdict.allowed) return verdict;
        const next = counterAfterAttempt(current, now, policy);
        if (current === null) {
          try {
            await collection.insertOne({ _id: key, ...next });
            return verdict;
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
            continue;
          }
        }
        // Compare-and-set on what was read, so two attempts at once count as two.
        const result = await collection.updateOne(
          { _id: key, attempts: current.attempts, lastAttemptAt: current.lastAttemptAt },
          { $set: next },
        );
        if (result.matchedCount === 1) return verdict;
      }
      return { allowed: false, retryAfterSeconds: 1 };
    },
    async release(key) {
      // $inc is atomic; the filter keeps a counter that was reset meanwhile from going negative.
      await collection.updateOne({ _id: key, attempts: { $gt: 0 } }, { $inc: { attempts: -1 } });
    },
    async clear(key) {
      await collection.deleteOne({ _id: key });
    },
  };
}
