import { randomInt } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '@cashtrack/events/mongo';
import type { DelayPolicy, ThrottleVerdict } from '../domain/loginThrottle.ts';

/** One admitted sign-up from an address, holding one of its slots for the policy's window. */
interface SignUpEntry {
  /** `<address> <slot>`: an address has `policy.freeAttempts` slots, each held by one entry. */
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
 * An address has `freeAttempts` slots; an admitted sign-up holds one for the window, by
 * inserting the entry whose `_id` names the slot. The unique `_id` is what no two replicas can
 * both win, so never more than the limit get through, however many race. (Counting the entries
 * ordered before one's own, as before, admitted one too many when a racer that sorted earlier
 * inserted after another had counted; a counter updated in place serialises sign-ups, and
 * upstream FerretDB 1.x, unlike the build `infra/` makes, loses concurrent updates of one
 * document.) Racers pick free
 * slots at random, so people signing up at once behind one NAT rarely try the same one.
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
      for (;;) {
        const held = await entries
          .find({ address }, { projection: { at: 1 }, sort: { at: 1 } })
          .toArray();
        if (held.length >= policy.freeAttempts) {
          const leavesAt = (held[0]?.at.getTime() ?? now.getTime()) + policy.resetAfterMs;
          return {
            allowed: false,
            retryAfterSeconds: Math.max(1, Math.ceil((leavesAt - now.getTime()) / 1000)),
          };
        }
        const taken = new Set(held.map((entry) => entry._id));
        let slotId: string;
        do {
          slotId = `${address} ${randomInt(policy.freeAttempts)}`;
        } while (taken.has(slotId));
        try {
          await entries.insertOne({ _id: slotId, address, at: now });
          return { allowed: true };
        } catch (error) {
          // Another sign-up took that slot just now: look again at what is left.
          if (!isDuplicateKey(error)) throw error;
        }
      }
    },
    async sweep(before) {
      await entries.createIndex({ at: 1 });
      const { deletedCount } = await entries.deleteMany({ at: { $lt: before } });
      return deletedCount;
    },
  };
}
