import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import {
  activeTraceCarrier,
  activeTraceIds,
  currentCorrelationId,
  type Logger,
  type TraceCarrier,
} from '@cashtrack/platform';
import {
  activeTracer,
  startPublishSpan,
  startTracing,
  type Tracing,
} from '@cashtrack/platform/tracing';
import type { SourceMessage } from '../src/deadLetter.ts';
import { createDeliveryCore, type PartitionBatch } from '../src/delivery/deliveryCore.ts';
import { consumeSpans } from '../src/kafka/eventConsumer.ts';
import type { EventHandling } from '../src/delivery/eventHandling.ts';
import { documentWithOutbox, encodeEvent, type CashTrackEvent } from '../src/index.ts';
import { manualExpense } from './sampleEvents.ts';

/**
 * Trace context on its way through the outbox and Kafka: stored with the outbox entry, sent as
 * the message's `traceparent` header, and read back by the consumer, whose span is a child of
 * the publish span and whose handler logs in that trace. A real tracer provider with an
 * in-memory exporter; Kafka messages as kafkajs hands them over (header values as Buffers).
 */

const topic = 'test.cashtrack.expenses';
const exporter = new InMemorySpanExporter();
let tracing: Tracing;

beforeAll(() => {
  tracing = startTracing('trace-headers-test', { exporter, env: {} });
});

afterAll(async () => {
  await tracing.shutdown();
});

/** A span of a request, as the HTTP server's would be, around `work`. */
function inRequestSpan<T>(work: () => T): { result: T; traceId: string } {
  const tracer = activeTracer();
  if (tracer === undefined) throw new Error('tracing is not on');
  return tracer.startActiveSpan('POST /graphql', (span) => {
    const result = work();
    span.end();
    return { result, traceId: span.spanContext().traceId };
  });
}

/** The message kafkajs would deliver for `event` sent with `headers`. */
function consumed(event: CashTrackEvent, headers: Readonly<Record<string, string>>): SourceMessage {
  const encoded = encodeEvent(event);
  return {
    key: encoded.key,
    value: Buffer.from(encoded.value),
    offset: '7',
    headers: Object.fromEntries(
      Object.entries({ ...encoded.headers, ...headers }).map(([name, value]) => [
        name,
        Buffer.from(value),
      ]),
    ),
  };
}

function batchOf(messages: readonly SourceMessage[]): PartitionBatch {
  return {
    topic,
    partition: 0,
    messages,
    highWatermark: String(messages.length),
    heartbeat: () => Promise.resolve(),
    isStale: () => false,
    commitUpTo: () => undefined,
  };
}

async function exported(): Promise<ReadableSpan[]> {
  await tracing.flush();
  return exporter.getFinishedSpans();
}

function traceIdOf(carrier: TraceCarrier | Readonly<Record<string, string>> | undefined): string {
  return carrier?.traceparent?.split('-')[1] ?? '';
}

/**
 * A delivery core of consumer group `groupId`, tracing as the Kafka adapter does; retries at
 * once, up to three attempts.
 */
function tracedCore(groupId: string, handling: EventHandling, logger?: Logger) {
  return createDeliveryCore({
    handling,
    groupId,
    deadLetters: () => Promise.resolve(),
    heartbeatEveryMs: 1_000,
    onFatal: () => undefined,
    tracing: consumeSpans(groupId),
    retry: { maxAttempts: 3, initialDelayMs: 0, maxDelayMs: 0 },
    sleep: () => Promise.resolve(),
    ...(logger === undefined ? {} : { logger }),
  });
}

interface LoggedIds {
  readonly msg: string;
  readonly correlationId?: string;
  readonly traceId?: string;
}

/** A logger that keeps each line's message and the ids the service logger adds (logger.ts). */
function idsLogger(): { logger: Logger; lines: LoggedIds[] } {
  const lines: LoggedIds[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const { msg, correlationId, traceId } = JSON.parse(chunk.toString()) as LoggedIds;
      lines.push({ msg, correlationId, traceId });
      done();
    },
  });
  const logger = pino(
    {
      level: 'warn',
      mixin: () => ({ correlationId: currentCorrelationId(), traceId: activeTraceIds()?.traceId }),
    },
    stream,
  );
  return { logger, lines };
}

describe('trace context through the outbox and Kafka', () => {
  it('keeps the request trace on the outbox entry, and nothing outside a trace', () => {
    const event = manualExpense('user-1', 'expense-1', 1234);
    const { result, traceId } = inRequestSpan(() => documentWithOutbox({ _id: 'a' }, [event]));
    expect(traceIdOf(result.outbox[0]?.traceContext)).toBe(traceId);
    expect(documentWithOutbox({ _id: 'b' }, [event]).outbox[0]).not.toHaveProperty('traceContext');
    expect(activeTraceCarrier()).toBeUndefined();
  });

  it('publishes in the stored trace and consumes as a child of the publish span', async () => {
    const event = manualExpense('user-2', 'expense-2', 500);
    const { result: stored, traceId } = inRequestSpan(() => activeTraceCarrier());
    // The relay runs outside any request: the stored context is the parent.
    const publish = startPublishSpan(topic, stored);
    expect(publish).toBeDefined();
    publish?.end();
    const headers = publish?.headers ?? {};
    expect(traceIdOf(headers)).toBe(traceId);

    const seenInHandler: (string | undefined)[] = [];
    const core = tracedCore('parser-worker', {
      handle: async () => {
        seenInHandler.push(activeTraceIds()?.traceId);
      },
    });
    await core.deliver(batchOf([consumed(event, headers)]));

    expect(seenInHandler).toEqual([traceId]);
    const spans = await exported();
    const publishSpan = spans.find((span) => span.name === `${topic} publish`);
    const processSpan = spans.find((span) => span.name === `${topic} process`);
    expect(publishSpan?.spanContext().traceId).toBe(traceId);
    expect(processSpan?.spanContext().traceId).toBe(traceId);
    expect(processSpan?.parentSpanContext?.spanId).toBe(publishSpan?.spanContext().spanId);
    expect(processSpan?.attributes['messaging.consumer.group.name']).toBe('parser-worker');
  });

  it('gives each event of a batch a process span in its own trace', async () => {
    exporter.reset();
    const first = inRequestSpan(() => startPublishSpan(topic, undefined));
    const second = inRequestSpan(() => startPublishSpan(topic, undefined));
    first.result?.end();
    second.result?.end();
    const core = tracedCore('expense-projector', { handleBatch: async () => undefined });
    await core.deliver(
      batchOf([
        consumed(manualExpense('user-3', 'expense-3', 1), first.result?.headers ?? {}),
        consumed(manualExpense('user-3', 'expense-4', 2), second.result?.headers ?? {}),
      ]),
    );
    const processed = (await exported()).filter((span) => span.name === `${topic} process`);
    expect(processed.map((span) => span.spanContext().traceId).sort()).toEqual(
      [first.traceId, second.traceId].sort(),
    );
  });

  it('makes no span for a message whose trace was left out of the sample, and carries it on as it came', async () => {
    exporter.reset();
    const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const carriedOn: (string | undefined)[] = [];
    const loggedTraceIds: (string | undefined)[] = [];
    const core = tracedCore('parser-worker', {
      handle: async () => {
        loggedTraceIds.push(activeTraceIds()?.traceId);
        carriedOn.push(activeTraceCarrier()?.traceparent);
        const publish = startPublishSpan(topic, undefined);
        publish?.end();
        carriedOn.push(publish?.headers.traceparent);
      },
    });
    await core.deliver(
      batchOf([consumed(manualExpense('user-4', 'expense-5', 3), { traceparent: unsampled })]),
    );
    expect(carriedOn).toEqual([unsampled, unsampled]);
    expect(loggedTraceIds).toEqual(['0af7651916cd43dd8448eb211c80319c']);
    expect(activeTraceCarrier()).toBeUndefined();
    expect(await exported()).toEqual([]);
  });

  it('publishes a stored trace that was left out of the sample as it came, with no span', async () => {
    exporter.reset();
    const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const publish = startPublishSpan(topic, { traceparent: unsampled, tracestate: 'vendor=1' });
    publish?.end();
    expect(publish?.headers).toEqual({ traceparent: unsampled, tracestate: 'vendor=1' });
    expect(await exported()).toEqual([]);
  });

  it('in a batch, hands on the traces left out of the sample as they came and makes spans only for the sampled', async () => {
    exporter.reset();
    const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    const sampled = inRequestSpan(() => startPublishSpan(topic, undefined));
    sampled.result?.end();
    const handedOn: (string | undefined)[] = [];
    const handedOnCarriers: (TraceCarrier | undefined)[] = [];
    const core = tracedCore('expense-projector', {
      handleBatch: async (events) => {
        handedOn.push(...events.map((positioned) => traceIdOf(positioned.traceContext)));
        handedOnCarriers.push(...events.map((positioned) => positioned.traceContext));
      },
    });
    await core.deliver(
      batchOf([
        consumed(manualExpense('user-5', 'expense-6', 1), { traceparent: unsampled }),
        consumed(manualExpense('user-5', 'expense-7', 2), sampled.result?.headers ?? {}),
      ]),
    );
    expect(handedOn).toEqual(['0af7651916cd43dd8448eb211c80319c', sampled.traceId]);
    const processed = (await exported()).filter((span) => span.name === `${topic} process`);
    expect(processed.map((span) => span.spanContext().traceId)).toEqual([sampled.traceId]);
    // What the sampled event hands on names its own process span, sampled.
    expect(handedOnCarriers[1]).toEqual({
      traceparent: `00-${sampled.traceId}-${processed[0]?.spanContext().spanId}-01`,
    });
  });

  it('logs the retries and the dead letter of a message left out of the sample in its trace', async () => {
    const unsampledTraceId = '0af7651916cd43dd8448eb211c80319c';
    const unsampled = `00-${unsampledTraceId}-b7ad6b7169203331-00`;
    const { logger, lines } = idsLogger();
    const core = tracedCore(
      'parser-worker',
      {
        handle: async () => {
          throw new Error('handler keeps failing');
        },
      },
      logger,
    );
    const event = manualExpense('user-6', 'expense-8', 4);
    await core.deliver(batchOf([consumed(event, { traceparent: unsampled })]));
    expect(lines.map(({ msg }) => msg)).toEqual([
      'handler failed, retrying',
      'handler failed, retrying',
      'message dead-lettered',
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({ correlationId: event.correlationId, traceId: unsampledTraceId });
    }
  });

  it('logs the retries and the dead letter of a sampled message in its trace, each attempt in a span', async () => {
    const sampledTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const sampled = `00-${sampledTraceId}-00f067aa0ba902b7-01`;
    const { logger, lines } = idsLogger();
    const core = tracedCore(
      'projector-retries',
      {
        handle: async () => {
          throw new Error('handler keeps failing');
        },
      },
      logger,
    );
    const event = manualExpense('user-7', 'expense-9', 4);
    await core.deliver(batchOf([consumed(event, { traceparent: sampled })]));
    expect(lines.map(({ msg }) => msg)).toEqual([
      'handler failed, retrying',
      'handler failed, retrying',
      'message dead-lettered',
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({ correlationId: event.correlationId, traceId: sampledTraceId });
    }
    const attempts = (await exported()).filter(
      (span) =>
        span.spanContext().traceId === sampledTraceId &&
        span.attributes['messaging.consumer.group.name'] === 'projector-retries',
    );
    expect(attempts).toHaveLength(3);
  });

  it('logs what a synchronous handler writes, and its retries, in the correlation and trace of each message', async () => {
    const unsampledTraceId = '0af7651916cd43dd8448eb211c80319c';
    const sampledTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { logger, lines } = idsLogger();
    const failOnce = new Set(['expense-11']);
    const core = tracedCore(
      'sync-handler',
      {
        handle: (event) => {
          logger.warn('handling');
          if (failOnce.delete(event.aggregateId)) throw new Error('handler failed once');
        },
      },
      logger,
    );
    const events = [
      manualExpense('user-8', 'expense-10', 4),
      manualExpense('user-8', 'expense-11', 5),
    ];
    await core.deliver(
      batchOf([
        consumed(events[0]!, { traceparent: `00-${unsampledTraceId}-b7ad6b7169203331-00` }),
        consumed(events[1]!, { traceparent: `00-${sampledTraceId}-00f067aa0ba902b7-01` }),
      ]),
    );
    expect(lines).toEqual([
      { msg: 'handling', correlationId: events[0]!.correlationId, traceId: unsampledTraceId },
      { msg: 'handling', correlationId: events[1]!.correlationId, traceId: sampledTraceId },
      {
        msg: 'handler failed, retrying',
        correlationId: events[1]!.correlationId,
        traceId: sampledTraceId,
      },
      { msg: 'handling', correlationId: events[1]!.correlationId, traceId: sampledTraceId },
    ]);
    expect(core.stats()).toMatchObject({ processed: 2, retries: 1, deadLettered: 0 });
    // Each attempt's span ended with it, the failed one marked so; the unsampled message has none.
    const attempts = (await exported()).filter(
      (span) => span.attributes['messaging.consumer.group.name'] === 'sync-handler',
    );
    expect(
      attempts.map((span) => ({
        traceId: span.spanContext().traceId,
        parentSpanId: span.parentSpanContext?.spanId,
        status: span.status.code,
        exceptions: span.events.filter(({ name }) => name === 'exception').length,
      })),
    ).toEqual([
      {
        traceId: sampledTraceId,
        parentSpanId: '00f067aa0ba902b7',
        status: SpanStatusCode.ERROR,
        exceptions: 1,
      },
      {
        traceId: sampledTraceId,
        parentSpanId: '00f067aa0ba902b7',
        status: SpanStatusCode.UNSET,
        exceptions: 0,
      },
    ]);
  });
});
