import { describe, expect, it } from '@jest/globals';
import {
  decodeEvent,
  encodeEvent,
  EventValidationError,
  eventTypes,
  newEvent,
  parseEvent,
  topicForEventType,
  type CashTrackEvent,
} from '../src/index.ts';
import { sampleOfEveryType } from './sampleEvents.ts';

function encodedWith(change: (raw: Record<string, unknown>) => void, event?: CashTrackEvent) {
  const source = event ?? sampleOfEveryType('u1')[3];
  const raw = JSON.parse(encodeEvent(source!).value) as Record<string, unknown>;
  change(raw);
  return { value: Buffer.from(JSON.stringify(raw)) };
}

function validationError(work: () => unknown): EventValidationError {
  try {
    work();
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('expected an EventValidationError');
}

describe('the event codec', () => {
  it('has a sample of every event type', () => {
    expect(
      sampleOfEveryType('u1')
        .map((event) => event.type)
        .sort(),
    ).toEqual([...eventTypes].sort());
  });

  it.each(sampleOfEveryType('u1').map((event) => [event.type, event] as const))(
    'round-trips %s with key = userId and the routing headers',
    (_type, event) => {
      const encoded = encodeEvent(event);
      expect(encoded.key).toBe('u1');
      expect(encoded.headers).toEqual({
        eventId: event.eventId,
        type: event.type,
        version: String(event.version),
        correlationId: event.correlationId,
      });
      expect(decodeEvent({ value: Buffer.from(encoded.value) })).toEqual(event);
    },
  );

  it('maps every type to its topic', () => {
    expect(topicForEventType('UserRegistered')).toBe('cashtrack.users');
    expect(topicForEventType('ExpenseMessageSubmitted')).toBe('cashtrack.expense-messages');
    expect(topicForEventType('ExpenseMessageRejected')).toBe('cashtrack.expenses');
  });

  it('newEvent fills id, version, time and causation', () => {
    const now = new Date('2026-11-24T10:00:00.000Z');
    const event = newEvent({
      type: 'ExpenseDeleted',
      userId: 'u1',
      aggregateId: 'e1',
      aggregateVersion: 4,
      payload: {},
      correlationId: 'c1',
      now,
    });
    expect(event).toMatchObject({
      type: 'ExpenseDeleted',
      version: 1,
      occurredAt: '2026-11-24T10:00:00.000Z',
      causationId: null,
    });
    expect(event.eventId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('upcasts UserRegistered version 1 with USD and UTC', () => {
    const [registered] = sampleOfEveryType('u1');
    const decoded = decodeEvent(
      encodedWith((raw) => {
        raw.version = 1;
        raw.payload = { email: 'ada@example.com', displayName: 'Ada' };
      }, registered),
    );
    expect(decoded).toMatchObject({
      type: 'UserRegistered',
      version: 2,
      payload: { email: 'ada@example.com', displayName: 'Ada', currency: 'USD', timezone: 'UTC' },
    });
  });

  it('names the field of a version-1 payload that cannot be upcast', () => {
    const [registered] = sampleOfEveryType('u1');
    const error = validationError(() =>
      decodeEvent(
        encodedWith((raw) => {
          raw.version = 1;
          raw.payload = { displayName: 'Ada' };
        }, registered),
      ),
    );
    expect(error.field).toBe('payload.email');
    expect(error.message).toContain('(version 1)');
  });

  it.each([
    ['payload.amountMinor', (raw: Record<string, unknown>) => setPayload(raw, 'amountMinor', -5)],
    ['payload.amountMinor', (raw: Record<string, unknown>) => setPayload(raw, 'amountMinor', 1.5)],
    [
      'payload.amountMinor',
      (raw: Record<string, unknown>) => setPayload(raw, 'amountMinor', 100_000_000_001),
    ],
    ['payload.currency', (raw: Record<string, unknown>) => setPayload(raw, 'currency', 'XAU')],
    ['payload.category', (raw: Record<string, unknown>) => setPayload(raw, 'category', 'yachts')],
    [
      'payload.occurredOn',
      (raw: Record<string, unknown>) => setPayload(raw, 'occurredOn', '2026-02-30'),
    ],
    [
      'payload.description',
      (raw: Record<string, unknown>) => setPayload(raw, 'description', 'x'.repeat(201)),
    ],
    ['payload.origin', (raw: Record<string, unknown>) => setPayload(raw, 'source', 'MANUAL')],
    ['payload.origin.position', (raw: Record<string, unknown>) => setOrigin(raw, 'position', 1)],
    ['payload.origin.parser', (raw: Record<string, unknown>) => setOrigin(raw, 'parser', 'gpt')],
    ['eventId', (raw: Record<string, unknown>) => (raw.eventId = 'not-a-uuid')],
    ['occurredAt', (raw: Record<string, unknown>) => (raw.occurredAt = '2026-11-24 10:00')],
    [
      'occurredAt',
      (raw: Record<string, unknown>) => (raw.occurredAt = '2026-11-24T10:00:00+01:00'),
    ],
    ['aggregateVersion', (raw: Record<string, unknown>) => (raw.aggregateVersion = 2)],
    ['userId', (raw: Record<string, unknown>) => delete raw.userId],
    ['causationId', (raw: Record<string, unknown>) => (raw.causationId = 7)],
    ['type', (raw: Record<string, unknown>) => (raw.type = 'ExpenseInvented')],
    ['version', (raw: Record<string, unknown>) => (raw.version = 3)],
    ['version', (raw: Record<string, unknown>) => (raw.version = '1')],
  ])('refuses a bad %s', (field, change) => {
    const error = validationError(() => decodeEvent(encodedWith(change)));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('refuses payload rules of the other event types', () => {
    const [registered, updated, submitted, , , , rejected] = sampleOfEveryType('u1');
    const cases: [CashTrackEvent | undefined, (raw: Record<string, unknown>) => void, string][] = [
      [registered, (raw) => setPayload(raw, 'email', 'nope'), 'payload.email'],
      [registered, (raw) => (raw.aggregateId = 'someone-else'), 'aggregateId'],
      [registered, (raw) => setPayload(raw, 'timezone', 'Mars/Olympus'), 'payload.timezone'],
      [updated, (raw) => (raw.payload = {}), 'payload'],
      [submitted, (raw) => setPayload(raw, 'text', ''), 'payload.text'],
      [submitted, (raw) => setPayload(raw, 'text', 'x'.repeat(501)), 'payload.text'],
      [rejected, (raw) => setPayload(raw, 'tokensUsed', -1), 'payload.tokensUsed'],
      [rejected, (raw) => (raw.aggregateVersion = 1), 'aggregateVersion'],
    ];
    for (const [event, change, field] of cases) {
      expect(validationError(() => decodeEvent(encodedWith(change, event))).field).toBe(field);
    }
  });

  it('refuses messages that are not events at all', () => {
    expect(validationError(() => decodeEvent({ value: null })).field).toBe('value');
    expect(validationError(() => decodeEvent({ value: Buffer.from('{"type":') })).field).toBe(
      'value',
    );
    expect(validationError(() => decodeEvent({ value: '[1,2]' })).field).toBe('value');
    expect(validationError(() => parseEvent('text')).code).toBe('INVALID_EVENT');
  });

  it('refuses to encode or create an invalid event', () => {
    const [, , , recorded] = sampleOfEveryType('u1');
    const broken = { ...recorded, payload: { ...recorded!.payload, amountMinor: 0 } };
    expect(() => encodeEvent(broken as CashTrackEvent)).toThrow(EventValidationError);
    expect(() =>
      newEvent({
        type: 'ExpenseMessageSubmitted',
        userId: 'u1',
        aggregateId: 'm1',
        aggregateVersion: 1,
        payload: { text: 'coffee 3', timezone: 'Nowhere/City', currency: 'USD' },
        correlationId: 'c1',
        now: new Date(),
      }),
    ).toThrow(/payload\.timezone/);
  });

  it('drops fields it does not know (tolerant reader)', () => {
    const decoded = decodeEvent(
      encodedWith((raw) => {
        raw.extra = 1;
        setPayload(raw, 'note', 'x');
      }),
    );
    expect(decoded).not.toHaveProperty('extra');
    expect(decoded.payload).not.toHaveProperty('note');
  });
});

function setPayload(raw: Record<string, unknown>, field: string, value: unknown): void {
  (raw.payload as Record<string, unknown>)[field] = value;
}

function setOrigin(raw: Record<string, unknown>, field: string, value: unknown): void {
  ((raw.payload as Record<string, unknown>).origin as Record<string, unknown>)[field] = value;
}
