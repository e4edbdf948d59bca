import { describe, expect, it } from '@jest/globals';
import { currentSchema } from '../src/codec.ts';
import { compileFastCheck } from '../src/fastValidator.ts';
import { eventTypes, type CashTrackEvent } from '../src/index.ts';
import { sampleOfEveryType } from './sampleEvents.ts';

/** Values that break most fields one way or another. */
const oddValues: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  '  padded  ',
  'x'.repeat(501),
  -1,
  0,
  1.5,
  2 ** 53,
  Number.NaN,
  true,
  {},
  [],
  'USD',
  'XAU',
  'groceries',
  '2026-02-30',
  '2026-11-24',
  '2026-11-24T10:00:00Z',
  '2026-11-24T10:00:00+01:00',
  'not-a-uuid',
  '6f1c1d7e-8a8b-4c5d-9e0f-1a2b3c4d5e6f',
  'MESSAGE',
  'MANUAL',
  'llm',
  'UTC',
  // Each rule the contracts state, at and just past its edge.
  '6F1C1D7E-8A8B-4C5D-9E0F-1A2B3C4D5E6F',
  '6f1c1d7e8-a8b-4c5d-9e0f-1a2b3c4d5e6f',
  '6f1c1d7e-8a8b-4c5d-9e0f-1a2b3c4d5e6g',
  '2026-11-24T24:00:00Z',
  '2026-11-24T24:00:00.001Z',
  '2026-11-24T10:00:00.123456789Z',
  '2026-13-01T10:00:00Z',
  '2024-02-29',
  '2025-02-29',
  'JPY',
  'usd',
  'Europe/Berlin',
  'Mars/Olympus',
  'someone@example.com',
  'not an email',
  ' Ada ',
  'x'.repeat(100),
  'x'.repeat(101),
  'x'.repeat(200),
  'x'.repeat(201),
  'a\u202Eb',
  'tab\there',
  'line\nbreak',
  'nul\u0000byte',
  'rtl \u200F mark',
  1_000_000_000_00,
  1_000_000_000_01,
  1_000_000_000_000,
  2 ** 53 - 1,
  Number.POSITIVE_INFINITY,
  { messageId: 'm1', position: 0, count: 1, tokensUsed: 0, parser: 'rules' },
  { messageId: 'm1', position: 1, count: 1, tokensUsed: 0, parser: 'rules' },
  { messageId: 'm1', position: 0, count: 1, tokensUsed: 0, parser: 'rules', guessed: true },
  { messageId: 'm1', position: 0, count: 1, tokensUsed: 0, parser: 'rules', guessed: false },
];

/** Every sample with each top-level field, then each payload field, set to each odd value. */
function variants(event: CashTrackEvent): Record<string, unknown>[] {
  const base = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  const payload = base.payload as Record<string, unknown>;
  const result: Record<string, unknown>[] = [base, { ...base, extra: 1 }];
  for (const key of [...Object.keys(base), 'extra']) {
    for (const value of oddValues) result.push({ ...base, [key]: value });
  }
  for (const key of [...Object.keys(payload), 'displayName', 'origin']) {
    for (const value of oddValues) result.push({ ...base, payload: { ...payload, [key]: value } });
  }
  if (payload.origin !== null && typeof payload.origin === 'object') {
    const origin = payload.origin as Record<string, unknown>;
    for (const key of Object.keys(origin)) {
      for (const value of oddValues) {
        result.push({ ...base, payload: { ...payload, origin: { ...origin, [key]: value } } });
      }
    }
  }
  return result;
}

describe('the fast validation path', () => {
  it('compiles every event type', () => {
    // E-mail addresses and safe text are checked by our own rules (events/src/emailAddress.ts,
    // safeText.ts), which the fast path runs as it runs any refinement.
    const compiled = eventTypes.filter((type) => compileFastCheck(currentSchema(type)) !== null);
    expect(compiled).toEqual(eventTypes);
  });

  it('accepts only what zod accepts, with the same output', () => {
    let accepted = 0;
    let checked = 0;
    for (const event of sampleOfEveryType('u1')) {
      const schema = currentSchema(event.type);
      const fast = compileFastCheck(schema);
      if (fast === null) continue;
      for (const candidate of variants(event)) {
        checked += 1;
        const fastResult = fast(candidate);
        const zodResult = schema.safeParse(candidate);
        if (fastResult === undefined) {
          // Declining is always safe (zod decides), but valid events should take the fast path.
          if (zodResult.success) expect({ declined: candidate }).toBeUndefined();
          continue;
        }
        accepted += 1;
        expect(zodResult.success).toBe(true);
        expect(fastResult).toEqual(zodResult.data);
      }
    }
    expect(checked).toBeGreaterThan(1_000);
    expect(accepted).toBeGreaterThan(6);
  });
});
