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

/** The pattern zod 3.25 uses for `.uuid()`, so both agree on what a UUID is. */
const uuidPattern =
  /^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$/i;

const invalid = undefined;

/** Compiles `schema`, or returns null if it uses something this compiler does not know. */
export function compileFastCheck(schema: z.ZodTypeAny): FastCheck | null {
  if (schema instanceof z.ZodObject) return compileObject(schema as z.ZodObject<z.ZodRawShape>);
  if (schema instanceof z.ZodString) return compileString(schema);
  if (schema instanceof z.ZodNumber) return compileNumber(schema);
  if (schema instanceof z.ZodEnum) {
    const values = new Set<unknown>(schema.options as readonly unknown[]);
    return (value) => (values.has(value) ? { value } : invalid);
  }
  if (schema instanceof z.ZodLiteral) {
    const expected: unknown = schema.value;
    return (value) => (value === expected ? { value } : invalid);
  }
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) {
    const inner = compileFastCheck(schema.unwrap() as z.ZodTypeAny);
    if (inner === null) return null;
    const empty = schema instanceof z.ZodNullable ? null : undefined;
    return (value) => (value === empty ? { value } : inner(value));
  }
  if (schema instanceof z.ZodEffects) {
    return compileRefinement(schema as z.ZodEffects<z.ZodTypeAny, unknown, unknown>);
  }
  return null;
}

function compileObject(schema: z.ZodObject<z.ZodRawShape>): FastCheck | null {
  // Only the default "strip unknown keys" mode, with no catch-all schema.
  const def = schema._def as { unknownKeys: string; catchall: z.ZodTypeAny };
  if (def.unknownKeys !== 'strip' || !(def.catchall instanceof z.ZodNever)) return null;
  const fields: [string, FastCheck][] = [];
  for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
    const check = compileFastCheck(child);
    if (check === null) return null;
    fields.push([key, check]);
  }
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalid;
    const input = value as Record<string, unknown>;
    let output: Record<string, unknown> | undefined;
    let present = 0;
    for (let index = 0; index < fields.length; index += 1) {
      const [key, check] = fields[index]!;
      const field = input[key];
      const result = check(field);
      if (result === undefined) return invalid;
      if (field !== undefined || key in input) present += 1;
      if (result.value !== field) output ??= {};
    }
    // Most inputs hold exactly the known keys, unchanged: return them as they are rather than
    // copy them. Otherwise build the copy zod would (unknown keys dropped, trimmed strings).
    if (output === undefined && countKeys(input) === present) return { value: input };
    output = {};
    for (const [key, check] of fields) {
      const result = check(input[key]);
      // Like zod: a key absent from the input stays absent from the output.
      if (result !== undefined && (result.value !== undefined || key in input)) {
        output[key] = result.value;
      }
    }
    return { value: output };
  };
}

function countKeys(record: Record<string, unknown>): number {
  let count = 0;
  for (const key in record) if (Object.hasOwn(record, key)) count += 1;
  return count;
}

function compileString(schema: z.ZodString): FastCheck | null {
  const tests: ((text: string) => boolean)[] = [];
  let trim = false;
  for (const check of schema._def.checks) {
    switch (check.kind) {
      case 'min':
        tests.push((text) => text.length >= check.value);
        break;
      case 'max':
        tests.push((text) => text.length <= check.value);
        break;
      case 'uuid':
        tests.push((text) => uuidPattern.test(text));
        break;
      case 'regex':
        tests.push((text) => {
          check.regex.lastIndex = 0;
          return check.regex.test(text);
        });
        break;
      case 'trim':
        // Zod trims in place, before the checks that follow it; only a leading trim is handled.
        if (tests.length > 0) return null;
        trim = true;
        break;
      default:
        return null;
    }
  }
  return (value) => {
    if (typeof value !== 'string') return invalid;
    const text = trim ? value.trim() : value;
    for (const test of tests) if (!test(text)) return invalid;
    return { value: text };
  };
}

function compileNumber(schema: z.ZodNumber): FastCheck | null {
  const tests: ((number: number) => boolean)[] = [];
  for (const check of schema._def.checks) {
    switch (check.kind) {
      case 'int':
        tests.push((number) => Number.isInteger(number));
        break;
      case 'min':
        tests.push(check.inclusive ? (n) => n >= check.value : (n) => n > check.value);
        break;
      case 'max':
        tests.push(check.inclusive ? (n) => n <= check.value : (n) => n < check.value);
        break;
      default:
        return null;
    }
  }
  return (value) => {
    if (typeof value !== 'number' || Number.isNaN(value)) return invalid;
    for (const test of tests) if (!test(value)) return invalid;
    return { value };
  };
}

/** `.refine` / `.superRefine`: the inner check, then the refinement on its output. */
function compileRefinement(schema: z.ZodEffects<z.ZodTypeAny, unknown, unknown>): FastCheck | null {
  const effect = schema._def.effect;
  if (effect.type !== 'refinement') return null;
  const inner = compileFastCheck(schema.innerType());
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
    const result = inner(value);
    if (result === undefined) return invalid;
    failed = false;
    const outcome = effect.refinement(result.value, context) as unknown;
    // An async refinement cannot be judged here; zod will.
    if (outcome instanceof Promise) return invalid;
    return failed ? invalid : result;
  };
}
