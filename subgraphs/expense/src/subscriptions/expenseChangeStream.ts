import { changesAfter, latestCursor, type ChangeLog, type ChangeLogEntry } from './changeLog.ts';
import type { ChangeNotificationHub } from './changeNotifications.ts';

/** Changes read from the log at a time. */
const changesPerRead = 500;

/**
 * One subscriber's changes: first everything after `after` (a resume), then each change as it is
 * announced, with no gap and no repeat. The subscriber listens before it reads the log, and after
 * every wake-up it reads the log from its last cursor, so a change announced while it was reading,
 * or whose announcement was lost, is still delivered, once, in order. Without `after` it starts
 * at the user's newest change. `return()` ends it at once, even while it waits for news.
 */
export function expenseChangeStream(
  changeLog: ChangeLog,
  hub: ChangeNotificationHub,
  userId: string,
  after: string | null,
): AsyncIterableIterator<ChangeLogEntry> {
  let stopped = false;
  let news = false;
  let wake: (() => void) | undefined;
  /** The cursor of the newest change delivered (or the starting point), once known. */
  let last: string | undefined;
  const stopListening = hub.listen(userId, ({ cursor }) => {
    // A notice of a change already delivered (the Kafka announcement of one that was heard
    // from this replica's projector first) would only cost a read that finds nothing.
    if (last !== undefined && cursor <= last) return;
    news = true;
    wake?.();
  });

  async function* changes(): AsyncGenerator<ChangeLogEntry> {
    last = after ?? (await latestCursor(changeLog, userId));
    while (!stopped) {
      news = false;
      // A full page may have more behind it; a shorter one is all there was when read, and
      // whatever came since has set `news`, so the loop reads again.
      let page: ChangeLogEntry[];
      do {
        page = await changesAfter(changeLog, userId, last, changesPerRead);
        for (const change of page) {
          if (stopped) break;
          last = change._id;
          yield change;
        }
      } while (page.length === changesPerRead && !stopped);
      if (!news && !stopped) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }

  const generator = changes();
  return {
    next: () => generator.next(),
    async return() {
      stopped = true;
      stopListening();
      wake?.();
      return generator.return(undefined);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
