import { describe, expect, it } from '@jest/globals';
import {
  traceparentFlags,
  unsampledTraceparentIn,
  withTraceparentFlags,
} from '../src/traceContext.ts';

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

describe('traceparentFlags', () => {
  it("reads a traceparent's flags, of version 00 or a later one that goes on after its flags", () => {
    expect(traceparentFlags(withFlags('00'))).toBe(0);
    expect(traceparentFlags(withFlags('03'))).toBe(3);
    expect(traceparentFlags(`01-${traceId}-${spanId}-ff`)).toBe(255);
    expect(traceparentFlags(`cc-${traceId}-${spanId}-01-what-comes-later`)).toBe(1);
  });

  it('reads nothing from another form', () => {
    for (const traceparent of [
      `${withFlags('00')}-more`,
      `01-${traceId}-${spanId}-01more`,
      `0g-${traceId}-${spanId}-01`,
      `00-${traceId}-${spanId}-0G`,
      `00-${traceId}_${spanId}-01`,
      withFlags('01').slice(1),
      '',
    ]) {
      expect({ traceparent, flags: traceparentFlags(traceparent) }).toEqual({
        traceparent,
        flags: undefined,
      });
    }
  });

  it('writes other flags in, keeping the rest', () => {
    expect(withTraceparentFlags(withFlags('01'), 0)).toBe(withFlags('00'));
    expect(withTraceparentFlags(`cc-${traceId}-${spanId}-00-later`, 0x0b)).toBe(
      `cc-${traceId}-${spanId}-0b-later`,
    );
  });
});
