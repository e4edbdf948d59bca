import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { CodedError } from '../src/errors.ts';
import { isTransient, retryAtStartup } from '../src/startupRetry.ts';

const quiet = pino({ level: 'silent' });

function named(name: string, fields: Record<string, unknown> = {}): Error {
  const error = new Error(name);
  error.name = name;
  return Object.assign(error, fields);
}

describe('isTransient', () => {
  it.each([
    ['a broker not listening yet', named('KafkaJSConnectionError')],
    ['kafkajs giving up its own retries', named('KafkaJSNumberOfRetriesExceeded')],
    [
      'a partition the broker does not host yet',
      named('KafkaJSProtocolError', { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true }),
    ],
    ['a database not listening yet', named('MongoServerSelectionError')],
    ['a connection the database closed', named('MongoNetworkError')],
    [
      'a refused socket',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    [
      'a transient error wrapped by kafkajs',
      named('KafkaJSNonRetriableError', { originalError: named('KafkaJSConnectionError') }),
    ],
    ['a transient cause', new Error('start failed', { cause: named('MongoNetworkError') })],
  ])('waits out %s', (_case, error) => {
    expect(isTransient(error)).toBe(true);
  });

  it.each([
    ['a wrong password', named('MongoServerError', { code: 18 })],
    [
      'a topic refused by policy',
      named('KafkaJSProtocolError', { type: 'POLICY_VIOLATION', retriable: false }),
    ],
    ['a bug', new TypeError('x is undefined')],
    ['a configuration error', new CodedError('INVALID_CONFIG', 'PORT must be a whole number')],
    ['something that is not an error', 'ECONNREFUSED'],
  ])('stops at once on %s', (_case, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe('retryAtStartup', () => {
  it('returns once a transient failure has passed', async () => {
    let attempts = 0;
    const value = await retryAtStartup(
      'a server',
      () => {
        attempts += 1;
        return attempts < 3 ? Promise.reject(named('MongoNetworkError')) : Promise.resolve('up');
      },
      { timeoutMs: 5_000, intervalMs: 1, logger: quiet },
    );
    expect({ value, attempts }).toEqual({ value: 'up', attempts: 3 });
  });

  it('passes a lasting error through at the first attempt', async () => {
    let attempts = 0;
    const wrong = new CodedError('INVALID_CONFIG', 'no such database');
    await expect(
      retryAtStartup(
        'a server',
        () => {
          attempts += 1;
          return Promise.reject(wrong);
        },
        { timeoutMs: 5_000, intervalMs: 1, logger: quiet },
      ),
    ).rejects.toBe(wrong);
    expect(attempts).toBe(1);
  });

  it('gives up after its time with one line naming the step and the last error', async () => {
    const failure = retryAtStartup(
      'MongoDB at mongodb://127.0.0.1:1',
      () => Promise.reject(named('MongoServerSelectionError', { message: 'connect ECONNREFUSED' })),
      { timeoutMs: 50, intervalMs: 5, logger: quiet },
    );
    await expect(failure).rejects.toMatchObject({ code: 'DEPENDENCY_UNREACHABLE' });
    const message = await failure.catch((error: Error) => error.message);
    expect(message).toMatch(
      /^MongoDB at mongodb:\/\/127\.0\.0\.1:1: no answer after 0.05 s \(\d+ attempts\); last error: connect ECONNREFUSED$/,
    );
    expect(message).not.toContain('\n');
  });
});
