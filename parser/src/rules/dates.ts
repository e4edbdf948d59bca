import { DateTime } from 'luxon';
import type { DateItem, Item } from './items.ts';
import { spanOf } from './items.ts';
import type { Captures } from './patterns.ts';
import { rewrite } from './patterns.ts';
import {
  dateLiteralFormats,
  datePatterns,
  type DateField,
  type DateRule,
} from './tables/dateExpressions.ts';

/**
 * Resolves date phrases to calendar dates. `today` is the start of the user's day in their time
 * zone; luxon does the calendar arithmetic so month ends and DST are never hand-rolled.
 */

/**
 * The last day computed per time zone, with the instants it spans: [start, end). At most one
 * entry per IANA zone: checkParseRequest refuses any other name before the parser runs.
 */
const lastDays = new Map<
  string,
  { readonly day: DateTime; readonly start: number; readonly end: number }
>();

/**
 * The user's calendar day at `now`, in `timezone`. Messages come in at nearly the same time, so
 * the last day of each zone is kept and reused while `now` falls within it: luxon's zone
 * arithmetic was an eighth of the rules parser's time. A DateTime is immutable, so sharing it
 * is safe; the day's end is its own zone's next midnight, so a daylight-saving day ends right.
 */
export function userToday(now: Date, timezone: string): DateTime {
  const instant = now.getTime();
  const last = lastDays.get(timezone);
  if (last !== undefined && instant >= last.start && instant < last.end) return last.day;
  const day = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  lastDays.set(timezone, {
    day,
    start: day.toMillis(),
    end: day.plus({ days: 1 }).toMillis(),
  });
  return day;
}

/** The latest date not after today among `candidates`, which go back in time. */
function latestPast(today: DateTime, candidates: readonly DateTime[]): DateTime | undefined {
  return candidates.find((date) => date.isValid && date <= today);
}

/** The formats compiled once; each must match a literal whole. */
const compiledFormats = dateLiteralFormats.map((format) => ({
  regex: new RegExp(`^${format.pattern}$`),
  fields: format.fields,
}));

export function readDateLiteral(text: string, today: DateTime): DateTime | undefined {
  const zone = today.zone;
  for (const format of compiledFormats) {
    const match = format.regex.exec(text);
    if (match === null) continue;
    const fields: Partial<Record<DateField, number>> = {};
    format.fields.forEach((field, index) => {
      fields[field] = Number(match[index + 1]);
    });
    const { year, month, day } = fields;
    if (day === undefined) continue;
    let date: DateTime | undefined;
    if (month === undefined) {
      const lastMonth = today.minus({ months: 1 });
      date = latestPast(today, [
        DateTime.fromObject({ year: today.year, month: today.month, day }, { zone }),
        DateTime.fromObject({ year: lastMonth.year, month: lastMonth.month, day }, { zone }),
      ]);
    } else if (year === undefined) {
      date = latestPast(today, [
        DateTime.fromObject({ year: today.year, month, day }, { zone }),
        DateTime.fromObject({ year: today.year - 1, month, day }, { zone }),
      ]);
    } else {
      // Two-digit years are this century: "11/20/26" is 2026.
      const fullYear = year < 100 ? 2000 + year : year;
      date = DateTime.fromObject({ year: fullYear, month, day }, { zone });
    }
    if (date?.isValid) return date;
  }
  return undefined;
}

function resolve(rule: DateRule, captures: Captures, today: DateTime): DateTime | undefined {
  switch (rule.kind) {
    case 'daysAgo':
      return today.minus({ days: rule.days });
    case 'countAgo':
      return captures.count === undefined
        ? undefined
        : today.minus({ days: captures.count * rule.unitDays });
    case 'weekday': {
      if (captures.weekday === undefined) return undefined;
      const back = (today.weekday - captures.weekday + 7) % 7;
      return today.minus({ days: back === 0 && !rule.includeToday ? 7 : back });
    }
    case 'literal':
      return captures.dateLiteral === undefined
        ? undefined
        : readDateLiteral(captures.dateLiteral, today);
  }
}

/** Replaces every date phrase with a date item; a phrase that names no real date stays text. */
export function resolveDates(items: readonly Item[], today: DateTime): Item[] {
  return rewrite(items, datePatterns, (match, pattern) => {
    const date = resolve(pattern.rule, match.captures, today);
    const isoDate = date?.toISODate();
    if (isoDate === undefined || isoDate === null) return undefined;
    const item: DateItem = { kind: 'date', isoDate, ...spanOf(items.slice(match.from, match.to)) };
    return [item];
  });
}
