import type { CreateIndexesOptions, Document, FindOptions, IndexSpecification } from 'mongodb';
import { createLogger, errorMessage, type Logger, type TraceCarrier } from '@cashtrack/platform';
import { parseEvent } from '../codec.ts';
import type { CashTrackEvent } from '../eventCatalog.ts';
import type { OutboxEntry } from '../outbox.ts';
import type { EventProducer } from '../kafka/producer.ts';

/**
 * The part of a driver `Collection` the relay uses, so a collection of any document type
 * (`Collection<UserDocument>`, `Collection<ExpenseDocument>`...) can be passed.
 */
export interface OutboxCollection {
  find(
    filter: Document,
    options: FindOptions,
  ): { limit(count: number): { toArray(): Promise<Document[]> } };
  updateOne(filter: Document, update: Document): Promise<unknown>;
  updateMany(filter: Document, update: Document): Promise<unknown>;
  createIndex(keys: IndexSpecification, options?: CreateIndexesOptions): Promise<string>;
}

export interface OutboxRelayOptions {
  /** Collections whose documents carry an `outbox` array (see outbox.ts). */
  readonly collections: readonly OutboxCollection[];
  /** Where pending events go; only `publish` is used. */
  readonly producer: Pick<EventProducer, 'publish'>;
  /** Documents read per collection per pass. Default 100. */
  readonly batchSize?: number;
  readonly logger?: Logger;
}

export interface RelayPassResult {
  readonly published: number;
  /** Entries that no longer validate: moved to `outboxFailed` on their document, not published. */
  readonly failed: number;
}

interface PendingDocument {
  readonly _id: unknown;
  readonly outbox: readonly OutboxEntry[];
}

const defaultLog = createLogger('outbox-relay');

/**
 * The index the relay finds pending documents by. The hint makes our FerretDB build seek it
 * (infra/ferretdb/patches, 0003); the flag is absent or `true`, one scalar, as that asks.
 */
const byOutboxPending = { outboxPending: 1 } as const;

/**
 * Readies each collection for relaying: the index on `outboxPending`, and the flag on documents
 * written before there was one (a single scan, at start).
 */
export async function prepareOutboxCollections(
  collections: readonly OutboxCollection[],
): Promise<void> {
  for (const collection of collections) {
    await collection.createIndex(byOutboxPending);
    await collection.updateMany(
      { outbox: { $exists: true, $ne: [] }, outboxPending: { $exists: false } },
      { $set: { outboxPending: true } },
    );
  }
}

/**
 * One pass: publishes the pending events of up to `batchSize` documents per collection, in each
 * document's order, then removes exactly the entries it published (`$pullAll` of the entries as
 * read, so events appended meanwhile stay) and clears `outboxPending` of a document whose outbox
 * is then empty (a conditional update, so an entry appended in between keeps it pending). If
 * publishing fails nothing is removed and the call throws; the next pass tries again. Expects
 * `prepareOutboxCollections` to have run.
 */
export async function relayPendingOnce(options: OutboxRelayOptions): Promise<RelayPassResult> {
  const { batchSize = 100, producer } = options;
  const log = options.logger ?? defaultLog;
  let published = 0;
  let failed = 0;
  for (const collection of options.collections) {
    const pending = (await collection
      .find({ outboxPending: true }, { projection: { outbox: 1 }, hint: byOutboxPending })
      .limit(batchSize)
      .toArray()) as unknown as PendingDocument[];
    if (pending.length === 0) continue;

    const events: CashTrackEvent[] = [];
    const traces = new Map<string, TraceCarrier>();
    const invalid = new Map<PendingDocument, { entry: OutboxEntry; error: string }[]>();
    for (const document of pending) {
      for (const entry of document.outbox) {
        try {
          events.push(parseEvent(entry.event));
          if (entry.traceContext !== undefined) traces.set(entry.eventId, entry.traceContext);
        } catch (error) {
          invalid.set(document, [
            ...(invalid.get(document) ?? []),
            { entry, error: errorMessage(error) },
          ]);
        }
      }
    }
    if (events.length > 0) {
      // Each event in the trace of the request that stored it.
      await producer.publish(events, { traceOf: (event) => traces.get(event.eventId) });
      published += events.length;
    }

    for (const document of pending) {
      const bad = invalid.get(document) ?? [];
      failed += bad.length;
      for (const { entry, error } of bad) {
        log.error({ eventId: entry.eventId, error }, 'outbox entry is not a valid event; parked');
      }
      // $pullAll by whole entries: FerretDB ignores $pull with a condition such as
      // { eventId: { $in } }, but both servers remove exactly-equal array elements.
      const update: Document = { $pullAll: { outbox: [...document.outbox] } };
      if (bad.length > 0) {
        update.$push = {
          outboxFailed: { $each: bad.map(({ entry, error }) => ({ ...entry, error })) },
        };
      }
      if (document.outbox.length > 0) await collection.updateOne({ _id: document._id }, update);
      await collection.updateOne(
        { _id: document._id, outbox: { $size: 0 } },
        { $unset: { outboxPending: '' } },
      );
    }
  }
  if (published > 0) log.debug({ published }, 'relayed outbox events');
  return { published, failed };
}

export interface OutboxRelay {
  /** Runs a pass now instead of at the next tick; call after writing to cut latency. */
  wake(): void;
  /** Finishes the pass in hand and stops polling. */
  stop(): Promise<void>;
}

export interface StartOutboxRelayOptions extends OutboxRelayOptions {
  /** Pause between passes that found nothing. Default 250 ms. */
  readonly intervalMs?: number;
}

/**
 * Polls the collections and relays pending events until stopped. A pass that published something
 * is followed at once by another; a failed pass is logged and retried after `intervalMs`. Run it
 * in every replica if you like: the worst case is an event published twice.
 */
export function startOutboxRelay(options: StartOutboxRelayOptions): OutboxRelay {
  const { intervalMs = 250 } = options;
  const log = options.logger ?? defaultLog;
  let running = true;
  let wakeUp: (() => void) | undefined;
  let pendingWake = false;

  const nap = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (pendingWake || !running) {
        pendingWake = false;
        resolve();
        return;
      }
      const timer = setTimeout(resolve, intervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      wakeUp = undefined;
    });

  let prepared = false;
  const loop = (async () => {
    while (running) {
      try {
        if (!prepared) {
          await prepareOutboxCollections(options.collections);
          prepared = true;
        }
        const { published } = await relayPendingOnce(options);
        if (published > 0) continue;
      } catch (error) {
        log.error({ err: error }, 'outbox relay pass failed; retrying');
      }
      await nap();
    }
  })();

  return {
    wake() {
      if (wakeUp === undefined) pendingWake = true;
      else wakeUp();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
    },
  };
}
