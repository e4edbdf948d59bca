/**
 * `npx tsx events/bench/validatorBench.ts`: CPU per event of validating 100,000 decoded
 * ExpenseRecorded envelopes: the codec's compiled check, the codec's whole `parseEvent`, zod 4
 * (`zod/v4`, shipped inside the installed zod 3.25) with the same rules, and zod 3 (what the codec
 * falls back to for wording errors), beside `JSON.parse` of the same values for scale. It decided
 * which validator the codec uses. The zod 4 schema below restates the contract's rules only to be
 * measured; the codec's schemas (eventTypes/) are the ones in force. Best of BENCH_ROUNDS rounds
 * (default 5); the last line is JSON.
 */
import * as z4 from 'zod/v4';
import { envInt } from '@cashtrack/platform';
import {
  encodeEvent,
  isCalendarDate,
  isCategory,
  currencyDigits,
  isCurrency,
  isSafeText,
  maxAmountMajor,
  parseEvent,
} from '../src/index.ts';
import { currentSchema } from '../src/codec.ts';
import { isUtcInstant } from '../src/utcInstant.ts';
import { compileFastCheck } from '../src/fastValidator.ts';
import { benchExpenseEvents } from './benchEvents.ts';

const total = envInt('BENCH_EVENTS', 100_000);
const rounds = envInt('BENCH_ROUNDS', 5);
/** Zod 3 takes tens of microseconds an event: a tenth of the events says as much. */
const zod3Share = 10;

const texts = benchExpenseEvents(total, 1_000).map((event) => encodeEvent(event).value);
const decoded = texts.map((text) => JSON.parse(text) as unknown);

const text = z4.string().min(1).max(200);
const zod4Envelope = z4
  .object({
    eventId: z4.uuid(),
    occurredAt: z4.string().refine(isUtcInstant),
    userId: text,
    aggregateId: text,
    aggregateVersion: z4.number().int().positive(),
    correlationId: text,
    causationId: text.nullable(),
    type: z4.literal('ExpenseRecorded'),
    version: z4.literal(2),
    payload: z4
      .object({
        amountMinor: z4.number().int().positive().refine(Number.isSafeInteger),
        currency: z4.string().refine(isCurrency),
        category: z4.string().refine(isCategory),
        description: z4
          .string()
          .max(200)
          .refine((value) => isSafeText(value, 'singleLine')),
        occurredOn: z4.string().refine(isCalendarDate),
        source: z4.enum(['MESSAGE', 'MANUAL']),
        origin: z4
          .object({
            messageId: text,
            position: z4.number().int().nonnegative(),
            count: z4.number().int().positive(),
            tokensUsed: z4.number().int().nonnegative(),
            parser: z4.enum(['llm', 'rules', 'rules-learned']),
            guessed: z4.literal(true).optional(),
          })
          .refine((origin) => origin.position < origin.count)
          .nullable(),
      })
      .refine((payload) => (payload.source === 'MESSAGE') === (payload.origin !== null))
      .refine(
        (payload) => payload.amountMinor <= maxAmountMajor * 10 ** currencyDigits(payload.currency),
      ),
  })
  .refine((envelope) => envelope.aggregateVersion === 1);

const compiledCheck = compileFastCheck(currentSchema('ExpenseRecorded'));
const zod3Envelope = currentSchema('ExpenseRecorded');
if (compiledCheck === null) throw new Error('ExpenseRecorded has no compiled check');
if (!zod4Envelope.safeParse(decoded[0]).success) throw new Error('zod 4 refuses a valid event');

/** Microseconds of CPU per event `work` spends on `count` events, best of the rounds. */
function cpuPerEvent(count: number, work: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round += 1) {
    const before = process.cpuUsage();
    work();
    const spent = process.cpuUsage(before);
    best = Math.min(best, (spent.user + spent.system) / count);
  }
  return Math.round(best * 100) / 100;
}

const figures = {
  jsonParse: cpuPerEvent(total, () => {
    for (const value of texts) JSON.parse(value);
  }),
  compiledCheck: cpuPerEvent(total, () => {
    for (const value of decoded) compiledCheck(value);
  }),
  parseEvent: cpuPerEvent(total, () => {
    for (const value of decoded) parseEvent(value);
  }),
  zod4: cpuPerEvent(total, () => {
    for (const value of decoded) zod4Envelope.safeParse(value);
  }),
  zod3: cpuPerEvent(total / zod3Share, () => {
    for (const value of decoded.slice(0, total / zod3Share)) zod3Envelope.safeParse(value);
  }),
};
for (const [name, micros] of Object.entries(figures)) {
  process.stdout.write(`${name.padEnd(14)} ${micros} µs CPU per event\n`);
}
process.stdout.write(
  `${JSON.stringify({ bench: 'validator', events: total, microsPerEvent: figures })}\n`,
);
