import { z } from 'zod';
import { envelopeFieldsSchema } from './envelope.ts';
import { eventCatalog, isEventType, type CashTrackEvent, type EventType } from './eventCatalog.ts';
import { EventValidationError, type EventIssue } from './eventValidationError.ts';
import { compileFastCheck, type FastCheck } from './fastValidator.ts';

/**
 * The one codec for CashTrack events, in the manner of graphql-ws's parse/validate/stringify
 * trio: `encodeEvent` for the producer, `decodeEvent` for consumers, `parseEvent` for events held
 * as plain objects (the outbox). All three validate the envelope and the payload, upcast older
 * payload versions, and throw `EventValidationError` (`INVALID_EVENT`) naming the field.
 */

/** Kafka headers every event carries, so tools can route or filter without parsing the value. */
export interface EventHeaders {
  readonly eventId: string;
  readonly type: string;
  readonly version: string;
  readonly correlationId: string;
}

/** A Kafka message ready to send: keyed by `userId` so one user's events stay in order. */
export interface EncodedEvent {
  readonly key: string;
  readonly value: string;
  readonly headers: EventHeaders;
}

/** The parts of a consumed Kafka message the codec reads (structurally a kafkajs message). */
export interface EventMessage {
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>>;
}

/** Turns a validated event into the message the producer sends. Throws `INVALID_EVENT`. */
export function encodeEvent(event: CashTrackEvent): EncodedEvent {
  const valid = parseEvent(event);
  return {
    key: valid.userId,
    value: JSON.stringify(valid),
    headers: {
      eventId: valid.eventId,
      type: valid.type,
      version: String(valid.version),
      correlationId: valid.correlationId,
    },
  };
}

/** Reads a consumed message back into a current-version event. Throws `INVALID_EVENT`. */
export function decodeEvent(message: EventMessage): CashTrackEvent {
  if (message.value === null) {
    throw new EventValidationError([{ path: 'value', message: 'message has no value' }]);
  }
  const text = typeof message.value === 'string' ? message.value : message.value.toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unreadable';
    throw new EventValidationError([{ path: 'value', message: `not valid JSON (${reason})` }]);
  }
  return parseEvent(raw);
}

/**
 * Validates an event held as a plain object (decoded JSON, an outbox entry) and upcasts its
 * payload to the current version. Unknown fields are dropped, so a reader ignores what it does
 * not know. Throws `INVALID_EVENT`.
 */
export function parseEvent(raw: unknown): CashTrackEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new EventValidationError([{ path: 'value', message: 'must be a JSON object' }]);
  }
  const record = raw as Record<string, unknown>;
  const type = record.type;
  const eventId = typeof record.eventId === 'string' ? record.eventId : undefined;
  if (typeof type !== 'string' || !isEventType(type)) {
    throw new EventValidationError(
      [{ path: 'type', message: `unknown event type ${JSON.stringify(type)}` }],
      { eventId },
    );
  }
  const payload = upcastPayload(type, record.version, record.payload, eventId);
  const candidate =
    payload === record.payload && record.version === eventCatalog[type].version
      ? record
      : { ...record, version: eventCatalog[type].version, payload };
  const { schema, fastCheck } = compiled(type);
  const fast = fastCheck?.(candidate);
  if (fast !== undefined) return fast as CashTrackEvent;
  const result = schema.safeParse(candidate);
  if (!result.success) {
    throw new EventValidationError(toIssues(result.error), { type, eventId });
  }
  return result.data as CashTrackEvent;
}

/** Brings a payload of `version` up to the current version, one upcaster at a time. */
function upcastPayload(
  type: EventType,
  version: unknown,
  payload: unknown,
  eventId: string | undefined,
): unknown {
  const definition = eventCatalog[type];
  if (version === definition.version) return payload;
  const fail = (issues: EventIssue[]): never => {
    throw new EventValidationError(issues, { type, eventId });
  };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return fail([{ path: 'version', message: 'must be a whole number from 1' }]);
  }
  if (version > definition.version) {
    // A newer producer than this reader: refusing beats silently misreading it.
    return fail([
      {
        path: 'version',
        message: `version ${version} is newer than this reader knows (${definition.version})`,
      },
    ]);
  }
  let current = payload;
  const upcasters: Readonly<Record<number, (typeof definition.upcasters)[number]>> =
    definition.upcasters;
  for (let from = version; from < definition.version; from += 1) {
    const step = upcasters[from];
    if (step === undefined) {
      return fail([{ path: 'version', message: `no upcaster from version ${from}` }]);
    }
    const older = step.from.safeParse(current);
    if (!older.success) {
      return fail(
        toIssues(older.error, ['payload']).map((issue) => ({
          ...issue,
          message: `${issue.message} (version ${from})`,
        })),
      );
    }
    current = step.upcast(older.data);
  }
  return current;
}

interface CompiledSchema {
  readonly schema: z.ZodTypeAny;
  readonly fastCheck: FastCheck | null;
}

const schemas = new Map<EventType, CompiledSchema>();

/** The whole-envelope schema of the current version of `type` and its fast check, built once. */
function compiled(type: EventType): CompiledSchema {
  const cached = schemas.get(type);
  if (cached !== undefined) return cached;
  const schema = currentSchema(type);
  const entry = { schema, fastCheck: compileFastCheck(schema) };
  schemas.set(type, entry);
  return entry;
}

/** The whole-envelope schema of the current version of `type`. */
export function currentSchema(type: EventType): z.ZodTypeAny {
  const definition = eventCatalog[type];
  // Read once here, not per event: the refinement runs on every event decoded.
  const fixedVersion = 'aggregateVersion' in definition ? definition.aggregateVersion : undefined;
  const aggregateIsUser = 'aggregateIsUser' in definition;
  const schema = envelopeFieldsSchema
    .extend({
      type: z.literal(type),
      version: z.literal(definition.version),
      payload: definition.payload,
    })
    .superRefine((envelope, context) => {
      if (fixedVersion !== undefined && envelope.aggregateVersion !== fixedVersion) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['aggregateVersion'],
          message: `${type} is always version ${fixedVersion} of its aggregate`,
        });
      }
      if (aggregateIsUser && envelope.aggregateId !== envelope.userId) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['aggregateId'],
          message: `${type} belongs to the user aggregate, so aggregateId must equal userId`,
        });
      }
    });
  return schema;
}

function toIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): EventIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path].join('.'),
    message: issue.message,
  }));
}
