import type { Db } from 'mongodb';
import type { PositionedEvent } from '@cashtrack/events';
import type { Logger } from '@cashtrack/platform';
import type { ProjectorMetrics } from '@cashtrack/platform/metrics';
import type { ExpenseMessageDocument } from '../readModels/expenseMessagesReadModel.ts';
import { readModelNames } from '../readModels/readModelNames.ts';
import type { ExpenseProjection } from './expenseProjector.ts';

/**
 * `projection`, measured once each batch is written and its changes reported: the batch's size,
 * each event's projection delay, and for each expense parsed from a message the time since the
 * message was accepted. That last figure is taken here, where the expense becomes visible to the
 * app (the read model, the subscription), against the `submittedAt` the projector itself wrote
 * from the message's ExpenseMessageSubmitted: one read of the messages a batch's expenses came
 * from, after the batch and off its path, so a slow or failed read never holds events back. A
 * message whose submission is not projected yet (another topic) is left out, and a redelivered
 * batch is measured again.
 */
export function measuredProjection(
  projection: ExpenseProjection,
  db: Db,
  metrics: ProjectorMetrics,
  log: Logger,
): ExpenseProjection {
  const messages = db.collection<ExpenseMessageDocument>(readModelNames.expenseMessages);

  async function measureMessages(writtenAtMs: number, messageIds: readonly string[]) {
    const submitted = await messages
      .find({ _id: { $in: [...messageIds] } }, { projection: { submittedAt: 1 } })
      .toArray();
    const submittedAt = new Map(submitted.map((message) => [message._id, message.submittedAt]));
    for (const messageId of messageIds) {
      const at = submittedAt.get(messageId);
      if (at !== undefined) metrics.expenseFromMessageWritten(writtenAtMs, Date.parse(at));
    }
  }

  return {
    async projectBatch(events: readonly PositionedEvent[]) {
      await projection.projectBatch(events);
      const writtenAtMs = Date.now();
      metrics.batchWritten(
        writtenAtMs,
        events.map(({ event }) => Date.parse(event.occurredAt)),
      );
      const messageIds = events.flatMap(({ event }) =>
        event.type === 'ExpenseRecorded' && event.payload.origin !== null
          ? [event.payload.origin.messageId]
          : [],
      );
      if (messageIds.length === 0) return;
      measureMessages(writtenAtMs, messageIds).catch((error: unknown) => {
        log.debug({ err: error }, 'message-to-expense latency not measured');
      });
    },
  };
}
