import { describe, expect, it } from '@jest/globals';
import { unsampledTraceparentIn } from '../src/traceContext.ts';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';

function withFlags(flags: string): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

describe('unsampledTraceparentIn', () => {
  it('reads a version-00 traceparent without the sampled flag, as text or as kafkajs Buffers', () => {
    expect(unsampledTraceparentIn({ traceparent: withFlags('00') })).toBe(withFlags('00'));
    expect(unsampledTraceparentIn({ traceparent: Buffer.from(withFlags('02')) })).toBe(
      withFlags('02'),
    );
    expect(unsampledTraceparentIn({ traceparent: [Buffer.from(withFlags('00'))] })).toBe(
      withFlags('00'),
    );
  });

  it('leaves sampled, absent and malformed headers to the propagator', () => {
    for (const traceparent of [
      withFlags('01'),
      withFlags('03'),
      withFlags('0f'),
      `01-${traceId}-${spanId}-00`,
      `00-${traceId}-${spanId}-0g`,
      `00-${traceId}-${spanId}-0A`,
      `00_${traceId}-${spanId}-00`,
      `${withFlags('00')}-`,
      withFlags('00').slice(1),
    ]) {
      expect({ traceparent, read: unsampledTraceparentIn({ traceparent }) }).toEqual({
        traceparent,
        read: undefined,
      });
    }
    expect(unsampledTraceparentIn({ traceparent: withFlags('0e') })).toBe(withFlags('0e'));
    expect(unsampledTraceparentIn({ traceparent: withFlags('0b') })).toBeUndefined();
    expect(unsampledTraceparentIn({})).toBeUndefined();
    expect(unsampledTraceparentIn(undefined)).toBeUndefined();
  });
});
