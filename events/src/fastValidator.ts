import { z } from 'zod';

/**
 * A fast path for validating events that are valid, which is nearly all of them. Zod 3 spends
 * tens of microseconds and much garbage per envelope, more than Kafka spends delivering it, so
 * each event schema is also compiled once into plain checks. The compiled check is conservative:
 * it accepts a value only if zod would accept it, with the same output (unknown keys dropped);
 * for anything else it answers `undefined` and the codec asks zod, which also words the errors.
 * A schema using a zod feature not handled here is not compiled at all (zod does all the work).
 *
 * The checks are written out as the source of one function per schema, as zod 4 and ajv compile
 * theirs: a tree of closures, one per field, cost about three times the checks themselves (every
 * field's call went through one shared, megamorphic call site), and zod 4 measured slower still
 * (events/bench/validatorBench.ts). The source is built from our own schemas only, never from
 * input; what it cannot spell as a literal (patterns, sets, refinements) it is handed as values.
 */
export type FastCheck = (value: unknown) => unknown;

/**
 * What zod 3.25 accepts for `.uuid()`, so both agree on what a UUID is: its pattern without the
 * word boundaries, which always hold between a hex digit and a dash and cost a tenth of the check.
 */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Compiles `schema`, or returns null if it uses something this compiler does not know. The check
 * answers zod's output, or `undefined` when it declines; a schema whose output may itself be
 * `undefined` (optional at the top) is not compiled, so the two never mix.
 */
export function compileFastCheck(schema: z.ZodTypeAny): FastCheck | null {
  if (schema.isOptional()) return null;
  const writer = new CheckWriter();
  const output = writer.check(schema, 'value');
  if (output === null) return null;
  return writer.finish(output);
}

/** Writes the statements of one compiled check; each failing test returns `undefined`. */
class CheckWriter {
  private readonly statements: string[] = [];
  private readonly values: unknown[] = [];
  private variables = 0;
  /** Whether some refinement is called, which then needs the shared context below. */
  private refines = false;

  /**
   * Writes the checks of `schema` on the variable `input`; answers the expression holding the
   * output, or null for a schema it does not know.
   */
  check(schema: z.ZodTypeAny, input: string): string | null {
    if (schema instanceof z.ZodObject)
      return this.object(schema as z.ZodObject<z.ZodRawShape>, input);
    if (schema instanceof z.ZodString) return this.string(schema, input);
    if (schema instanceof z.ZodNumber) return this.number(schema, input);
    if (schema instanceof z.ZodEnum) return this.oneOf(schema.options as readonly unknown[], input);
    if (schema instanceof z.ZodLiteral) return this.oneOf([schema.value as unknown], input);
    if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) {
      return this.orEmpty(schema, input);
    }
    if (schema instanceof z.ZodEffects) {
      return this.refinement(schema as z.ZodEffects<z.ZodTypeAny, unknown, unknown>, input);
    }
    return null;
  }

  /** The function: the values it refers to are its closure's constants, bound once. */
  finish(output: string): FastCheck {
    const names = this.values.map((_, index) => `k${index}`);
    const context = this.refines
      ? // One context per compiled check, not per call: refinements are synchronous and never
        // re-enter the check, and an object per call would be garbage per event.
        'let failed = false; const context = { addIssue() { failed = true; }, path: [] };'
      : '';
    const source = `${context} return function check(value) { ${this.statements.join('\n')} return ${output}; };`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiled from our own schemas, see above
    const build = new Function(...names, source) as (...values: unknown[]) => FastCheck;
    return build(...this.values);
  }

  private write(statement: string): void {
    this.statements.push(statement);
  }

  private variable(): string {
    this.variables += 1;
    return `v${this.variables}`;
  }

  /** A name for `value` inside the compiled function. */
  private constant(value: unknown): string {
    this.values.push(value);
    return `k${this.values.length - 1}`;
  }

  private object(schema: z.ZodObject<z.ZodRawShape>, input: string): string | null {
    // Only the default "strip unknown keys" mode, with no catch-all schema.
    const def = schema._def as { unknownKeys: string; catchall: z.ZodTypeAny };
    if (def.unknownKeys !== 'strip' || !(def.catchall instanceof z.ZodNever)) return null;
    this.write(
      `if (typeof ${input} !== 'object' || ${input} === null || Array.isArray(${input})) return undefined;`,
    );
    const fields: { key: string; value: string; output: string; optional: boolean }[] = [];
    for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodTypeAny>)) {
      const value = this.variable();
      this.write(`const ${value} = ${input}[${JSON.stringify(key)}];`);
      const output = this.check(child, value);
      if (output === null) return null;
      fields.push({ key, value, output, optional: child.isOptional() });
    }
    // A field that is not optional was checked, so it is present; an optional one may be absent.
    const required = fields.filter((field) => !field.optional).length;
    const present = [
      String(required),
      ...fields
        .filter((field) => field.optional)
        .map(
          ({ key, value }) =>
            `(${value} !== undefined || ${JSON.stringify(key)} in ${input} ? 1 : 0)`,
        ),
    ].join(' + ');
    const changed = fields
      .filter(({ value, output }) => value !== output)
      .map(({ value, output }) => `${output} !== ${value}`);
    // Most inputs hold exactly the known keys, unchanged: return them as they are rather than
    // copy them. Otherwise build the copy zod would (unknown keys dropped, trimmed strings).
    const copy = this.variable();
    const assignments = fields.map(({ key, output, optional }) => {
      const name = JSON.stringify(key);
      // Like zod: a key absent from the input stays absent from the output.
      return optional
        ? `if (${output} !== undefined || ${name} in ${input}) ${copy}[${name}] = ${output};`
        : `${copy}[${name}] = ${output};`;
    });
    this.write(
      `let ${copy} = ${input};` +
        `if (${[...changed, `Object.keys(${input}).length !== ${present}`].join(' || ')}) {` +
        `${copy} = {}; ${assignments.join(' ')} }`,
    );
    return copy;
  }

  /** A string's checks: bounds as numbers, patterns as constants. */
  private string(schema: z.ZodString, input: string): string | null {
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
    this.write(`if (typeof ${input} !== 'string') return undefined;`);
    let text = input;
    if (trim) {
      text = this.variable();
      this.write(`const ${text} = ${input}.trim();`);
    }
    if (minLength > 0) this.write(`if (${text}.length < ${minLength}) return undefined;`);
    if (maxLength !== Number.POSITIVE_INFINITY) {
      this.write(`if (${text}.length > ${maxLength}) return undefined;`);
    }
    for (const pattern of patterns) {
      const name = this.constant(pattern);
      // A global or sticky pattern starts where its last match ended unless told otherwise.
      if (pattern.global || pattern.sticky) this.write(`${name}.lastIndex = 0;`);
      this.write(`if (!${name}.test(${text})) return undefined;`);
    }
    return text;
  }

  /** A number's checks, bounds folded to the tightest of each side. */
  private number(schema: z.ZodNumber, input: string): string | null {
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
    this.write(`if (typeof ${input} !== 'number' || Number.isNaN(${input})) return undefined;`);
    if (integer) this.write(`if (!Number.isInteger(${input})) return undefined;`);
    if (lower !== Number.NEGATIVE_INFINITY) {
      const bound = this.constant(lower);
      this.write(`if (${input} ${lowerInclusive ? '<' : '<='} ${bound}) return undefined;`);
    }
    if (upper !== Number.POSITIVE_INFINITY) {
      const bound = this.constant(upper);
      this.write(`if (${input} ${upperInclusive ? '>' : '>='} ${bound}) return undefined;`);
    }
    return input;
  }

  /** An enum or a literal: the value is one of `options`, compared as zod compares them. */
  private oneOf(options: readonly unknown[], input: string): string {
    const differs = options.map((option) => `${input} !== ${this.constant(option)}`);
    this.write(`if (${differs.join(' && ')}) return undefined;`);
    return input;
  }

  private orEmpty(
    schema: z.ZodNullable<z.ZodTypeAny> | z.ZodOptional<z.ZodTypeAny>,
    input: string,
  ): string | null {
    const empty = schema instanceof z.ZodNullable ? 'null' : 'undefined';
    const output = this.variable();
    this.write(`let ${output} = ${input}; if (${input} !== ${empty}) {`);
    const inner = this.check(schema.unwrap(), input);
    if (inner === null) return null;
    this.write(`${output} = ${inner}; }`);
    return output;
  }

  /** `.refine` / `.superRefine`: the inner checks, then the refinement on their output. */
  private refinement(
    schema: z.ZodEffects<z.ZodTypeAny, unknown, unknown>,
    input: string,
  ): string | null {
    const effect = schema._def.effect;
    if (effect.type !== 'refinement') return null;
    const output = this.check(schema.innerType(), input);
    if (output === null) return null;
    this.refines = true;
    const refine = this.constant(effect.refinement);
    // An async refinement cannot be judged here; zod will.
    this.write(
      `failed = false; if (${refine}(${output}, context) instanceof Promise || failed) return undefined;`,
    );
    return output;
  }
}
