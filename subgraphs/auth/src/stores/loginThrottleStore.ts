import { setTimeout as delay } from 'node:timers/promises';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@cashtrack/events/mongo';
import {
  counterAfterAttempt,
  counterVerdict,
  type AttemptCounter,
  type DelayPolicy,
  type ThrottleVerdict,
} from '../domain/loginThrottle.ts';

/**
 * One state of a counter. Every change inserts the next state under `<key>#<seq>` instead of
 * updating one document: the unique `_id` makes two racing writers of the same next state collide,
 * and the loser reads again. A conditional update would do on MongoDB and on the FerretDB that
 * `infra/` builds (patch 0007), but upstream FerretDB 1.x lets two concurrent `updateOne`s with
 * the same filter both match, which let 13 of 20 racing attempts through where 3 were allowed;
 * the unique `_id` holds on any server.
 */
interface CounterStateDocument extends AttemptCounter {
  /** `<key>#<seq>`. */
  readonly _id: string;
  /** `pair:<email>|<address>`, `address:<ip>`, `email:<email>` or `device:<id>`. */
  readonly key: string;
  readonly seq: number;
}

/** Log-in attempt counters in `authServiceDB.loginAttempts`, shared by every replica. */
export interface LoginThrottleStore {
  /** The verdict on one more attempt, without charging it. */
  verdict(key: string, now: Date, policy: DelayPolicy): Promise<ThrottleVerdict>;
  /**
   * Charges one attempt if the counter allows it, atomically: of attempts racing on any number
   * of replicas, only as many are admitted as the policy allows.
   */
  admit(key: string, now: Date, policy: DelayPolicy): Promise<ThrottleVerdict>;
  /** Counts one failed attempt that was not charged before (best effort under heavy racing). */
  recordFailure(key: string, now: Date, policy: DelayPolicy): Promise<void>;
  /** Gives one admitted attempt back (it succeeded). */
  release(key: string): Promise<void>;
  /** Starts the counter over. */
  clear(key: string): Promise<void>;
  /** Deletes every state whose attempt is older than `lastAttemptBefore`; answers how many. */
  sweep(lastAttemptBefore: Date): Promise<number>;
}

/**
 * A change that keeps losing its race is given up rather than retried without end: only
 * attempts hammering one counter at once get here, and an admission then is refused for a second.
 */
const maxConflicts = 8;
/**
 * Older states are deleted, all but this many: a writer still holding a state this far back
 * cannot exist in practice, and a deleted `_id` could otherwise be written again without a collision.
 */
const keptStates = 100;

const cleared: AttemptCounter = {
  attempts: 0,
  lastAttemptAt: new Date(0),
  nextAttemptAt: new Date(0),
};

export function createLoginThrottleStore(db: Db): LoginThrottleStore {
  const collection: Collection<CounterStateDocument> = db.collection('loginAttempts');
  let indexed: Promise<unknown> | undefined;
  const latest = async (key: string): Promise<CounterStateDocument | null> => {
    indexed ??= collection.createIndex({ key: 1, seq: -1 }).catch((error: unknown) => {
      indexed = undefined;
      throw error;
    });
    await indexed;
    return collection.findOne({ key }, { sort: { seq: -1 } });
  };

  /**
   * Writes the state `next` makes of the latest one: true once written, `unchanged` when `next`
   * answered undefined, false when every try lost a race.
   */
  async function change(
    key: string,
    next: (current: CounterStateDocument | null) => AttemptCounter | undefined,
  ): Promise<boolean | 'unchanged'> {
    for (let attempt = 0; attempt < maxConflicts; attempt += 1) {
      const current = await latest(key);
      const state = next(current);
      if (state === undefined) return 'unchanged';
      const seq = (current?.seq ?? 0) + 1;
      try {
        await collection.insertOne({ _id: `${key}#${seq}`, key, seq, ...state });
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // FerretDB may still answer the next read from before the winner's write: a few
        // milliseconds, jittered so the losers do not collide again in step.
        await delay(Math.random() * 4 * (attempt + 1));
        continue;
      }
      if (seq > keptStates) {
        await collection.deleteMany({ key, seq: { $lte: seq - keptStates } });
      }
      return true;
    }
    return false;
  }

  return {
    async verdict(key, now, policy) {
      return counterVerdict(await latest(key), now, policy);
    },
    async admit(key, now, policy) {
      let verdict: ThrottleVerdict = { allowed: true };
      const written = await change(key, (current) => {
        verdict = counterVerdict(current, now, policy);
        return verdict.allowed ? counterAfterAttempt(current, now, policy) : undefined;
      });
      return written === false ? { allowed: false, retryAfterSeconds: 1 } : verdict;
    },
    async recordFailure(key, now, policy) {
      await change(key, (current) => counterAfterAttempt(current, now, policy));
    },
    async release(key) {
      await change(key, (current) =>
        current === null || current.attempts === 0
          ? undefined
          : {
              attempts: current.attempts - 1,
              lastAttemptAt: current.lastAttemptAt,
              nextAttemptAt: current.nextAttemptAt,
            },
      );
    },
    async clear(key) {
      await change(key, (current) => (current === null ? undefined : cleared));
    },
    async sweep(lastAttemptBefore) {
      await collection.createIndex({ lastAttemptAt: 1 });
      const { deletedCount } = await collection.deleteMany({
        lastAttemptAt: { $lt: lastAttemptBefore },
      });
      return deletedCount;
    },
  };
}
