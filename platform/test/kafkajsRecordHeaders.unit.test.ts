import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';

/**
 * patches/kafkajs+2.2.4.patch rewrites how kafkajs decodes a record's headers (one object filled
 * in place instead of one spread per header). These tests decode record batches written byte by
 * byte from the wire format and expect exactly what kafkajs 2.2.4's own code returns: a key seen
 * once maps to its bytes, a repeated key to an array of its values in wire order.
 */

interface DecodedRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, unknown>;
}

interface DecodedBatch {
  readonly records: readonly DecodedRecord[];
}

const requireFromHere = createRequire(import.meta.url);
const KafkajsDecoder = requireFromHere('kafkajs/src/protocol/decoder.js') as new (
  buffer: Buffer,
) => object;
const decodeRecordBatch = requireFromHere('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: object,
) => Promise<DecodedBatch>;

/** Kafka's varint: zigzag, then seven bits a byte, low bits first. */
function varint(value: number): Buffer {
  let zigzag = (value << 1) ^ (value >> 31);
  const bytes: number[] = [];
  while (zigzag >= 0x80 || zigzag < 0) {
    bytes.push((zigzag & 0x7f) | 0x80);
    zigzag >>>= 7;
  }
  bytes.push(zigzag);
  return Buffer.from(bytes);
}

function varintBytes(bytes: Buffer | null): Buffer {
  return bytes === null ? varint(-1) : Buffer.concat([varint(bytes.length), bytes]);
}

type WireHeader = readonly [key: string, value: string];

/** Record => Attributes TimestampDelta OffsetDelta Key Value [HeaderKey HeaderValue], length first. */
function record(offsetDelta: number, value: string, headers: readonly WireHeader[]): Buffer {
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(0),
    varint(offsetDelta),
    varintBytes(null),
    varintBytes(Buffer.from(value)),
    varint(headers.length),
    ...headers.flatMap(([key, headerValue]) => [
      varintBytes(Buffer.from(key)),
      varintBytes(Buffer.from(headerValue)),
    ]),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

function int16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function int64(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value);
  return buffer;
}

/** An uncompressed v2 record batch (magic 2) starting at offset 40 (kafkajs does not check the CRC). */
function recordBatch(records: readonly Buffer[]): Buffer {
  const afterLength = Buffer.concat([
    int32(0),
    Buffer.from([2]),
    int32(0),
    int16(0),
    int32(records.length - 1),
    int64(1_700_000_000_000n),
    int64(1_700_000_000_000n),
    int64(-1n),
    int16(-1),
    int32(-1),
    int32(records.length),
    ...records,
  ]);
  return Buffer.concat([int64(40n), int32(afterLength.length), afterLength]);
}

async function decodedRecords(records: readonly Buffer[]): Promise<readonly DecodedRecord[]> {
  const batch = await decodeRecordBatch(new KafkajsDecoder(recordBatch(records)));
  return batch.records;
}

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('kafkajs record decoding (patches/kafkajs+2.2.4.patch)', () => {
  it('maps each header key seen once to its bytes', async () => {
    const [decoded] = await decodedRecords([
      record(0, 'event', [
        ['traceparent', traceparent],
        ['correlation-id', 'c-1'],
        ['event-type', 'ExpenseLogged'],
      ]),
    ]);
    expect(decoded?.headers).toStrictEqual({
      traceparent: Buffer.from(traceparent),
      'correlation-id': Buffer.from('c-1'),
      'event-type': Buffer.from('ExpenseLogged'),
    });
    expect(decoded?.value).toStrictEqual(Buffer.from('event'));
  });

  it('turns a repeated key into an array of its values in wire order', async () => {
    const [decoded] = await decodedRecords([
      record(0, 'event', [
        ['retry', 'a'],
        ['traceparent', traceparent],
        ['retry', 'b'],
        ['retry', 'c'],
        ['origin', 'parser'],
        ['origin', 'relay'],
      ]),
    ]);
    expect(decoded?.headers).toStrictEqual({
      retry: [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')],
      traceparent: Buffer.from(traceparent),
      origin: [Buffer.from('parser'), Buffer.from('relay')],
    });
    expect(Object.keys(decoded?.headers ?? {})).toStrictEqual(['retry', 'traceparent', 'origin']);
  });

  it('gives each record of a batch its own headers, and none an empty object', async () => {
    const decoded = await decodedRecords([
      record(0, 'first', [['traceparent', traceparent]]),
      record(1, 'second', []),
      record(2, 'third', [
        ['k', '1'],
        ['k', '2'],
      ]),
    ]);
    expect(decoded.map(({ offset, headers }) => ({ offset, headers }))).toStrictEqual([
      { offset: '40', headers: { traceparent: Buffer.from(traceparent) } },
      { offset: '41', headers: {} },
      { offset: '42', headers: { k: [Buffer.from('1'), Buffer.from('2')] } },
    ]);
  });

  it('keeps a `__proto__` header an own property, leaving the prototype alone', async () => {
    const [decoded] = await decodedRecords([record(0, 'event', [['__proto__', 'x']])]);
    const headers = decoded?.headers ?? {};
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype);
    expect(Object.keys(headers)).toStrictEqual(['__proto__']);
    // kafkajs 2.2.4 reads `obj['__proto__']` (the prototype, not undefined) before the first
    // value, so its result pairs the prototype with the bytes; the patch reads the same way.
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toStrictEqual([
      Object.prototype,
      Buffer.from('x'),
    ]);
  });
});
