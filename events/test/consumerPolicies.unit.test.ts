import { describe, expect, it } from '@jest/globals';
import { deadLetterMessage } from '../src/deadLetter.ts';
import {
  defaultClassifyError,
  EventValidationError,
  FatalConsumerError,
  isOutage,
  PoisonEventError,
  retryDelayMs,
} from '../src/index.ts';
import { readDeadLetter } from './deadLetterReader.ts';

describe('retry delays', () => {
  const policy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1_000 };

  it('double per attempt up to the maximum, jittered between half and the whole step', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayMs(policy, attempt, () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(retryDelayMs(policy, 3, () => 0)).toBe(200);
  });
});

describe('error classification', () => {
  it('parks invalid and poison events, waits outages out, stops when told, retries the rest', () => {
    expect(defaultClassifyError(new EventValidationError([{ path: 'x', message: 'y' }]))).toBe(
      'dead-letter',
    );
    expect(defaultClassifyError(new PoisonEventError('never'))).toBe('dead-letter');
    expect(defaultClassifyError(new FatalConsumerError('stop'))).toBe('fatal');
    const outage = new Error('connection refused');
    outage.name = 'MongoServerSelectionError';
    expect(defaultClassifyError(outage)).toBe('wait');
    expect(defaultClassifyError(new Error('write conflict'))).toBe('retry');
  });

  // Found by `npm run chaos`: a FerretDB restart made the projector exit (outages were fatal),
  // and its bulk writes' lost connections, not recognised as an outage, risked the DLQ.
  it('recognises a lost connection under the driver errors that carry it', () => {
    const named = (name: string, message: string, extra: Record<string, unknown> = {}) =>
      Object.assign(Object.defineProperty(new Error(message), 'name', { value: name }), extra);
    expect(isOutage(named('MongoNetworkError', 'read ECONNRESET'))).toBe(true);
    expect(
      isOutage(
        named('MongoBulkWriteError', 'connection 2 to 127.0.0.1:34469 closed', { writeErrors: [] }),
      ),
    ).toBe(true);
    expect(
      isOutage(
        named('MongoBulkWriteError', 'E11000 duplicate key', {
          writeErrors: [{ code: 11000 }],
        }),
      ),
    ).toBe(false);
    expect(
      isOutage(new Error('projection failed', { cause: named('KafkaJSConnectionError', 'gone') })),
    ).toBe(true);
    expect(isOutage(new Error('connection closed'))).toBe(false);
    expect(isOutage('ECONNRESET')).toBe(false);
  });
});

describe('dead-letter messages', () => {
  it('keep key, value and headers and say why and from where', () => {
    const letter = deadLetterMessage({
      message: {
        key: Buffer.from('u1'),
        value: Buffer.from('garbage'),
        offset: '42',
        headers: { correlationId: Buffer.from('c1'), type: 'ExpenseRecorded' },
      },
      error: new EventValidationError([{ path: 'value', message: 'not valid JSON' }]),
      topic: 'cashtrack.expenses',
      partition: 3,
      groupId: 'projector',
      attempts: 0,
      now: new Date('2026-11-24T10:00:00Z'),
    });
    expect(letter.key?.toString()).toBe('u1');
    expect(letter.value?.toString()).toBe('garbage');
    expect(readDeadLetter(letter)).toEqual({
      errorCode: 'INVALID_EVENT',
      errorMessage: 'Invalid event: value: not valid JSON',
      sourceTopic: 'cashtrack.expenses',
      sourcePartition: 3,
      sourceOffset: '42',
      consumerGroup: 'projector',
      attempts: 0,
      failedAt: '2026-11-24T10:00:00.000Z',
      originalHeaders: { correlationId: 'c1', type: 'ExpenseRecorded' },
    });
  });
});
