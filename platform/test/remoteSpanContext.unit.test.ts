import { describe, expect, it } from '@jest/globals';
import { ROOT_CONTEXT, trace, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { remoteSpanContextIn, type HeaderValues } from '../src/traceContext.ts';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const spanId = 'b7ad6b7169203331';

/** What W3C's own propagator reads from a lone `traceparent` given as text. */
function propagatorReads(traceparent: string) {
  const getter: TextMapGetter<Record<string, string>> = {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => carrier[key],
  };
  const extracted = new W3CTraceContextPropagator().extract(ROOT_CONTEXT, { traceparent }, getter);
  return trace.getSpanContext(extracted);
}

describe('remoteSpanContextIn', () => {
  it('reads what the propagator reads from a lone version-00 traceparent', () => {
    for (const flags of ['01', '00', 'ff']) {
      const traceparent = `00-${traceId}-${spanId}-${flags}`;
      const read = remoteSpanContextIn({ traceparent });
      expect(read).toBeDefined();
      expect(read).toEqual(propagatorReads(traceparent));
    }
    expect(remoteSpanContextIn({ traceparent: `00-${traceId}-${spanId}-01` })).toEqual({
      traceId,
      spanId,
      traceFlags: 1,
      isRemote: true,
    });
  });

  it('reads no invalid traceparent, which the propagator rejects too', () => {
    for (const traceparent of [
      `00-${'0'.repeat(32)}-${spanId}-01`,
      `00-${traceId}-${'0'.repeat(16)}-01`,
      `00-${traceId.toUpperCase()}-${spanId}-01`,
      `00-${traceId.slice(1)}g-${spanId}-01`,
      `00-${traceId}-${spanId}-0g`,
      `00_${traceId}-${spanId}-01`,
      `00-${traceId}-${spanId}-01-`,
    ]) {
      expect({ traceparent, read: remoteSpanContextIn({ traceparent }) }).toEqual({
        traceparent,
        read: undefined,
      });
      expect({ traceparent, read: propagatorReads(traceparent) }).toEqual({
        traceparent,
        read: undefined,
      });
    }
  });

  it('leaves another version to the propagator', () => {
    const traceparent = `01-${traceId}-${spanId}-01`;
    expect(remoteSpanContextIn({ traceparent })).toBeUndefined();
    expect(propagatorReads(traceparent)).toMatchObject({ traceId, spanId });
  });

  it('reads kafkajs Buffers, and leaves a traceparent with a tracestate to the propagator', () => {
    const traceparent = `00-${traceId}-${spanId}-01`;
    const asBuffers: HeaderValues = { traceparent: [Buffer.from(traceparent)] };
    expect(remoteSpanContextIn(asBuffers)).toEqual(propagatorReads(traceparent));
    expect(remoteSpanContextIn({ traceparent, tracestate: 'vendor=1' })).toBeUndefined();
    expect(remoteSpanContextIn({})).toBeUndefined();
  });
});
