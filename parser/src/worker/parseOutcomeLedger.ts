import type { Collection, Db } from 'mongodb';
import { parseEvent, type CashTrackEvent } from '@cashtrack/events';
import { isDuplicateKey } from '@cashtrack/events/mongo';

/** The events one message turned into, the first time it was parsed. `_id` is the message id. */
export interface ParseOutcomeDocument {
  readonly _id: string;
  readonly events: readonly CashTrackEvent[];
  readonly keptAt: Date;
}

export const parseOutcomesCollectionName = 'parseOutcomes';

export function parseOutcomesCollection(db: Db): Collection<ParseOutcomeDocument> {
  return db.collection<ParseOutcomeDocument>(parseOutcomesCollectionName);
}

/**
 * Why a model's outcome is kept: Kafka delivers a message at least once, and a model asked twice
 * may split the same text differently ("taxi 12 + tip 2" as one expense, then as two). Ids derive
 * from the message and the position, so a second answer with more positions would add expenses
 * the person never wrote, and would spend their token budget again. The first outcome is kept
 * here before it is published, and a redelivered message publishes the kept events again, as
 * they were. Kept as long as the topics keep their events (forever), since a replay of the topic
 * reads the same messages again.
 */
export interface ParseOutcomeLedger {
  /** The events kept for `messageId`, or undefined when it was never parsed. */
  keptOutcome(messageId: string): Promise<readonly CashTrackEvent[] | undefined>;
  /**
   * Keeps `events` as the outcome of `messageId` unless one is kept already (another replica
   * parsed the same delivery at the same time), and answers the outcome that stands.
   */
  keepFirst(messageId: string, events: readonly CashTrackEvent[]): Promise<StandingOutcome>;
}

/** The outcome kept for a message, and whether it is the one this call offered. */
export interface StandingOutcome {
  readonly events: readonly CashTrackEvent[];
  readonly keptNow: boolean;
}

export function mongoParseOutcomeLedger(
  outcomes: Collection<ParseOutcomeDocument>,
  clock: () => Date = () => new Date(),
): ParseOutcomeLedger {
  const keptOutcome = async (messageId: string) => {
    const kept = await outcomes.findOne({ _id: messageId });
    // Validated on the way out like any event read from storage: what is published is checked.
    return kept?.events.map((event) => parseEvent(event));
  };
  return {
    keptOutcome,
    async keepFirst(messageId, events) {
      try {
        await outcomes.insertOne({ _id: messageId, events, keptAt: clock() });
        return { events, keptNow: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const kept = await keptOutcome(messageId);
        if (kept === undefined) throw error;
        return { events: kept, keptNow: false };
      }
    },
  };
}
