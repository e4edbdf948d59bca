import { CodedError } from '../errors.ts';

/** The environment a configuration is read from; `process.env` unless a test passes its own. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** What a setting may hold: plain values, so a default can never be mistaken for a function. */
export type SettingValue = string | number | boolean | readonly string[];

/**
 * One configuration value: the environment variable it comes from, how its text becomes the
 * value, the value when the variable is unset or blank, and what it means.
 */
export interface Setting<T extends SettingValue> {
  readonly variable: string;
  /** Turns the variable's (trimmed, non-empty) text into the value; throws saying what it expects. */
  readonly parse: (text: string) => T;
  /** The value when the variable is unset or blank; a function when it follows other variables. */
  readonly fallback: T | ((env: Environment) => T);
  /** What the value means and does, as an operator needs to know it. */
  readonly doc: string;
}

/** A named group of settings, read together into a typed configuration by `readSettings`. */
export type Settings = Readonly<Record<string, Setting<SettingValue>>>;

/** The configuration a group of settings reads into: one readonly field per setting. */
export type ConfigOf<S extends Settings> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** The text of a whole number, e.g. a port or a time in ms. */
export function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error('must be a whole number');
  return value;
}

/** Any text, as given (trimmed). */
export function text(value: string): string {
  return value;
}

/** Comma-separated items, blanks dropped, e.g. `KAFKA_BROKERS`. */
export function commaList(value: string): readonly string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * One setting's value from `env`. A value its parser refuses fails the start with one line that
 * names the variable, says what it expects and what it got (`INVALID_CONFIG`).
 */
export function readSetting<T extends SettingValue>(
  setting: Setting<T>,
  env: Environment = process.env,
): T {
  const raw = env[setting.variable];
  const given = raw?.trim() ?? '';
  if (given === '') {
    return typeof setting.fallback === 'function' ? setting.fallback(env) : setting.fallback;
  }
  try {
    return setting.parse(given);
  } catch (error) {
    const expectation = error instanceof Error ? error.message : String(error);
    throw new CodedError(
      'INVALID_CONFIG',
      `${setting.variable} ${expectation}, got "${raw ?? ''}"`,
      { variable: setting.variable },
    );
  }
}

/** Every setting of a group from `env`, failing on the first malformed one (`readSetting`). */
export function readSettings<S extends Settings>(
  settings: S,
  env: Environment = process.env,
): ConfigOf<S> {
  const config: Record<string, SettingValue> = {};
  for (const [field, setting] of Object.entries(settings)) {
    config[field] = readSetting(setting, env);
  }
  return config as ConfigOf<S>;
}
