import { commaList, readSetting, text, wholeNumber } from './config/setting.ts';

// One-off reads for scripts, benchmarks and tests, through the same parsers as a service's
// declared settings (config/setting.ts); a service declares its settings instead.

/** An optional variable's trimmed text, `fallback` when unset or blank. */
export function envString(name: string, fallback: string): string {
  return readSetting({ variable: name, parse: text, fallback, doc: '' });
}

/** A whole number; anything else fails with one line naming the variable (`INVALID_CONFIG`). */
export function envInt(name: string, fallback: number): number {
  return readSetting({ variable: name, parse: wholeNumber, fallback, doc: '' });
}

/** Comma-separated list, such as KAFKA_BROKERS. */
export function envList(name: string, fallback: readonly string[]): string[] {
  return [...readSetting({ variable: name, parse: commaList, fallback, doc: '' })];
}
