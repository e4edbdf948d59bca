import type { ParseRequest } from '../src/extraction/types.ts';

/** Tuesday 2026-11-24, 10:00 UTC: the moment the public samples are written at. */
export const sampleNow = new Date('2026-11-24T10:00:00Z');

export function request(text: string, overrides: Partial<ParseRequest> = {}): ParseRequest {
  return { text, now: sampleNow, timezone: 'UTC', currency: 'USD', ...overrides };
}
