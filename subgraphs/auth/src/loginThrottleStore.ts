import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@cashtrack/events';
import {
  throttleVerdict,
  windowAfterFailure,
  type FailureWindow,
  type ThrottlePolicy,
  type ThrottleVerdict,
} from './domain/loginThrottle.ts';

interface FailureWindowDocument {
  /** `email:<address>` or `address:<ip>`. */
  readonly _id: string;
  readonly startedAt: Date;
  readonly failures: number;
}

/** Failed log-in counts in `authServiceDB.loginFailures`, shared by every replica. */
export interface LoginThrottleStore {
  verdict(key: string, now: Date, policy: ThrottlePolicy): Promise<ThrottleVerdict>;
  recordFailure(key: string, now: Date, policy: ThrottlePolicy): Promise<void>;
  clear(key: string): Promise<void>;
}

/** Concurrent failures of one key retry their compare-and-set at most this often. */
const maxConflicts = 5;

export function createLoginThrottleStore(db: Db): LoginThrottleStore {
  const collection: Collection<FailureWindowDocument> = db.collection('loginFailures');
  const read = async (key: string): Promise<FailureWindowDocument | null> =>
    collection.findOne({ _id: key });
  return {
    async verdict(key, now, policy) {
      return throttleVerdict(await read(key), now, policy);
    },
    async recordFailure(key, now, policy) {
      for (let attempt = 0; attempt < maxConflicts; attempt += 1) {
        const current = await read(key);
        const next: FailureWindow = windowAfterFailure(current, now, policy);
        if (current === null) {
          try {
            await collection.insertOne({ _id: key, ...next });
            return;
          } catch (error) {
            if (!isDuplicateKey(error)) throw error;
            continue;
          }
        }
        // Compare-and-set on the count read, so two failures at once count as two.
        const result = await collection.updateOne(
          { _id: key, startedAt: current.startedAt, failures: current.failures },
          { $set: { startedAt: next.startedAt, failures: next.failures } },
        );
        if (result.matchedCount === 1) return;
      }
    },
    async clear(key) {
      await collection.deleteOne({ _id: key });
    },
  };
}
