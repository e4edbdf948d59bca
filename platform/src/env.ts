import { CodedError } from './errors.ts';

/** Reads an optional environment variable, falling back to `fallback` when unset or empty. */
export function envString(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

/** Reads an integer environment variable; a value that is not a whole number is a startup error. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) {
    throw new CodedError('INVALID_CONFIG', `${name} must be a whole number, got "${raw}"`);
  }
  return value;
}

/** Comma-separated list, such as KAFKA_BROKERS. */
export function envList(name: string, fallback: readonly string[]): string[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
