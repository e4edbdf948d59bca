import type { Collection } from 'mongodb';
import type { CashTrackEvent, EventHandler } from '@cashtrack/events';
import type { Logger } from '@cashtrack/platform';
import { applyCorrection, type VocabularyDocument } from './vocabularyReadModel.ts';

/** The consumer group of the vocabulary projector (prefixed like every group). */
export const vocabularyConsumerGroup = 'parser-vocabulary';

/** Handles `cashtrack.expenses`: corrections teach their user's vocabulary, the rest is skipped. */
export function projectCorrections(
  collection: Collection<VocabularyDocument>,
  log: Logger,
  /** Called once the user's vocabulary changed, so a cache reads it again. */
  changed: (userId: string) => void = () => undefined,
): EventHandler {
  return async (event: CashTrackEvent) => {
    if (event.type !== 'ExpenseCategoryCorrected') return;
    await applyCorrection(collection, event);
    changed(event.userId);
    log.info(
      { userId: event.userId, expenseId: event.payload.expenseId, to: event.payload.toCategory },
      'correction learned',
    );
  };
}
