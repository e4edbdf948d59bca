import { z } from 'zod';

/**
 * A fast path for validating events that are valid, which is nearly all of them. Zod 3 spends
 * tens of microseconds and much garbage per envelope, more than Kafka spends delivering it, so
 * each event schema is also compiled once into plain checks. The compiled check is conservative:
 * it accepts a value only if zod would accept it, with the same output (unknown keys dropped);
 * for anything else it answers `undefined` and the codec asks zod, which also words the errors.
 * A schema using a zod feature not handled here is not compiled at all (zod does all the work).
 */
export type FastCheck = (value: unknown) => { readonly value: unknown } | undefined;

/** What a compiled check answers for a value it declines; anything else is the output value. */
const invalid: unique symbol = Symbol('invalid');

/**
 * A compiled check: the output zod would give, or `invalid`. No result object per field, so a
 * valid event costs no allocation beyond the copy zod would make where it makes one.
 */
type Check = (value: unknown) => unknown;

/**
 * What zod 3.25 accepts for `.uuid()`, so both agree on what a UUID is: its pattern without the
 * word boundaries, which always hold between a hex digit and a dash and cost a tenth of the check.
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Compiles `schema`, or returns null if it uses something this compiler does not know. */
export function compileFastCheck(schema: z.ZodTypeAny): FastCheck | null {
  const check = compile(schema);
  if (check === null) return null;
  return (value) => {
    const output = check(value);
    return output === invalid ? undefined : { value: output };
  };
}

function compile(schema: z.ZodTypeAny): Check | null {
  if (schema instanceof z.ZodObject) return compileObject(schema as z.ZodObject<z.ZodRawShape>);
  if (schema instanceof z.ZodString) return compileString(schema);
  if (schema instanceof z.ZodNumber) return compileNumber(schema);
  if (schema instanceof z.ZodEnum) {
    const values = new Set<unknown>(schema.options as readonly unknown[]);
    return (value) => (values.has(value) ? value : invalid);
  }
  if (schema instanceof z.ZodLiteral) {
    const expected: unknown = schema.value;
    return (value) => (value === expected ? value : invalid);
  }
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) {
    const inner = compile(schema.unwrap() as z.ZodTypeAny);
    if (inner === null) return null;
    const empty = schema instanceof z.ZodNullable ? null : undefined;
    return (value) => (value === empty ? value : inner(value));
  }
  if (schema instanceof z.ZodEffects) {
    return compileRefinement(schema as z.ZodEffects<z.ZodTypeAny, unknown, unknown>);
  }
  return null;
}

function compileObject(schema: z.ZodObject<z.ZodRawShape>): Check | null {
  // Only the default "strip unknown keys" mode, with no catch-all schema.
  const def = schema._def as { unknownKeys: string; catchall: z.ZodTypeAny };
  if (def.unknownKeys !== 'strip' || !(def.catchall instanceof z.ZodNever)) return null;
  const keys: string[] = [];
  const checks: Check[] = [];
  for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
    const check = compile(child);
    if (check === null) return null;
    keys.push(key);
    checks.push(check);
  }
  const fieldCount = keys.length;
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid;
    const input = value as Record<string, unknown>;
    let changed = false;
    let present = 0;
    for (let index = 0; index < fieldCount; index += 1) {
      const key = keys[index]!;
      const field = input[key];
      const output = checks[index]!(field);
      if (output === invalid) return invalid;
      if (field !== undefined || key in input) present += 1;
      if (output !== field) changed = true;
    }
    // Most inputs hold exactly the known keys, unchanged: return them as they are rather than
    // copy them. Otherwise build the copy zod would (unknown keys dropped, trimmed strings).
    if (!changed && countKeys(input) === present) return input;
    const output: Record<string, unknown> = {};
    for (let index = 0; index < fieldCount; index += 1) {
      const key = keys[index]!;
      const checked = checks[index]!(input[key]);
      // Like zod: a key absent from the input stays absent from the output.
      if (checked !== undefined || key in input) output[key] = checked;
    }
    return output;
  };
}

/** Own enumerable keys; `Object.keys` on a parsed object's shape is cheaper than `for...in`. */
function countKeys(record: Record<string, unknown>): number {
  return Object.keys(record).length;
}

/**
 * A string's checks folded into one closure (bounds as numbers, patterns as a list), rather than
 * one closure per check: a call per check cost more than the checks themselves.
 */
function compileString(schema: z.ZodString): Check | null {
  let minLength = 0;
  let maxLength = Number.POSITIVE_INFINITY;
  const patterns: RegExp[] = [];
  let trim = false;
  let checked = false;
  for (const check of schema._def.checks) {
    switch (check.kind) {
      case 'min':
        minLength = Math.max(minLength, check.value);
        break;
      case 'max':
        maxLength = Math.min(maxLength, check.value);
        break;
      case 'uuid':
        patterns.push(uuidPattern);
        break;
      case 'regex':
        patterns.push(check.regex);
        break;
      case 'trim':
        // Zod trims in place, before the checks that follow it; only a leading trim is handled.
        if (checked) return null;
        trim = true;
        break;
      default:
        return null;
    }
    checked = check.kind !== 'trim';
  }
  return (value) => {
    if (typeof value !== 'string') return invalid;
    const text = trim ? value.trim() : value;
    if (text.length < minLength || text.length > maxLength) return invalid;
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (!pattern.test(text)) return invalid;
    }
    return text;
  };
}

/** A number's checks folded into one closure, as for strings. */
function compileNumber(schema: z.ZodNumber): Check | null {
  let integer = false;
  let lower = Number.NEGATIVE_INFINITY;
  let lowerInclusive = true;
  let upper = Number.POSITIVE_INFINITY;
  let upperInclusive = true;
  for (const check of schema._def.checks) {
    switch (check.kind) {
      case 'int':
        integer = true;
        break;
      case 'min':
        if (check.value > lower || (check.value === lower && !check.inclusive)) {
          lower = check.value;
          lowerInclusive = check.inclusive;
        }
        break;
      case 'max':
        if (check.value < upper || (check.value === upper && !check.inclusive)) {
          upper = check.value;
          upperInclusive = check.inclusive;
        }
        break;
      default:
        return null;
    }
  }
  return (value) => {
    if (typeof value !== 'number' || Number.isNaN(value)) return invalid;
    if (integer && !Number.isInteger(value)) return invalid;
    if (lowerInclusive ? value < lower : value <= lower) return invalid;
    if (upperInclusive ? value > upper : value >= upper) return invalid;
    return value;
  };
}

/** `.refine` / `.superRefine`: the inner check, then the refinement on its output. */
function compileRefinement(schema: z.ZodEffects<z.ZodTypeAny, unknown, unknown>): Check | null {
  const effect = schema._def.effect;
  if (effect.type !== 'refinement') return null;
  const inner = compile(schema.innerType());
  if (inner === null) return null;
  // One context per compiled refinement, not per call: refinements are synchronous and never
  // re-enter themselves, and a closure per call costs more than the check (tsx wraps each).
  let failed = false;
  const context = {
    addIssue: () => {
      failed = true;
    },
    path: [],
  } as unknown as z.RefinementCtx;
  return (value) => {
    const output = inner(value);
    if (output === invalid) return invalid;
    failed = false;
    const outcome = effect.refinement(output, context) as unknown;
    // An async refinement cannot be judged here; zod will.
    if (outcome instanceof Promise) return invalid;
    return failed ? invalid : output;
  };
}
