import { count, dateLiteral, optionalWord, weekday, word, type Pattern } from '../patterns.ts';

/**
 * Ways people say when they spent. Every phrase resolves against "today" in the user's time zone.
 * Dates never move into the future: a weekday or a month/day means the most recent one.
 */

/** Full weekday names, recognised on their own ("bought a jacket saturday"). Luxon: 1 = Monday. */
export const weekdayNames: Readonly<Record<string, number>> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/**
 * Weekday names and abbreviations, recognised only after "on", "last" and the like, because
 * "sat", "wed" and "sun" are also ordinary words.
 */
export const weekdayNamesAfterCue: Readonly<Record<string, number>> = {
  ...weekdayNames,
  mon: 1,
  tue: 2,
  tues: 2,
  wed: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};

/** How a phrase turns into a date. */
export type DateRule =
  /** A fixed number of days before today ("yesterday" is 1). */
  | { readonly kind: 'daysAgo'; readonly days: number }
  /** The captured count times `unitDays` before today ("3 days ago", "2 weeks ago"). */
  | { readonly kind: 'countAgo'; readonly unitDays: number }
  /** The most recent captured weekday: today included ("on saturday") or not ("last saturday"). */
  | { readonly kind: 'weekday'; readonly includeToday: boolean }
  /** A captured date in digits, read with `dateLiteralFormats`. */
  | { readonly kind: 'literal' };

export interface DatePattern extends Pattern {
  readonly rule: DateRule;
}

const lastCue = word('last', 'past', 'previous');
const onCue = word('on', 'this');

export const datePatterns: readonly DatePattern[] = [
  // English first; then the same day in German, Spanish, French, Italian, Portuguese and Dutch,
  // which people mix into their messages.
  {
    elements: [word('today', 'tonight', 'heute', 'hoy', "aujourd'hui", 'oggi', 'hoje', 'vandaag')],
    rule: { kind: 'daysAgo', days: 0 },
  },
  {
    elements: [word('this'), word('morning', 'afternoon', 'evening', 'noon')],
    rule: { kind: 'daysAgo', days: 0 },
  },
  {
    elements: [word('yesterday', 'gestern', 'ayer', 'hier', 'ieri', 'ontem', 'gisteren')],
    rule: { kind: 'daysAgo', days: 1 },
  },
  { elements: [word('last'), word('night')], rule: { kind: 'daysAgo', days: 1 } },
  {
    elements: [word('day'), word('before'), word('yesterday')],
    rule: { kind: 'daysAgo', days: 2 },
  },
  { elements: [word('a'), word('week'), word('ago')], rule: { kind: 'daysAgo', days: 7 } },
  {
    elements: [count(1, 366), word('day', 'days'), word('ago')],
    rule: { kind: 'countAgo', unitDays: 1 },
  },
  {
    elements: [count(1, 52), word('week', 'weeks'), word('ago')],
    rule: { kind: 'countAgo', unitDays: 7 },
  },
  {
    elements: [lastCue, weekday(weekdayNamesAfterCue)],
    rule: { kind: 'weekday', includeToday: false },
  },
  {
    elements: [onCue, weekday(weekdayNamesAfterCue)],
    rule: { kind: 'weekday', includeToday: true },
  },
  { elements: [weekday(weekdayNames)], rule: { kind: 'weekday', includeToday: true } },
  { elements: [optionalWord('on'), dateLiteral()], rule: { kind: 'literal' } },
];

export type DateField = 'year' | 'month' | 'day';

/**
 * Dates in digits, tried in order; the first that gives a real calendar date wins, so "11/20" is
 * November 20 and "20/11", impossible as month/day, falls through to day/month. A missing year
 * or month means the most recent such date. Each `pattern`
 * must match the whole literal and capture the `fields` in order. The tokenizer builds its date
 * recognition from these patterns, so a new format here is a new format everywhere.
 */
export const dateLiteralFormats: readonly {
  readonly pattern: string;
  readonly fields: readonly DateField[];
}[] = [
  { pattern: '(\\d{4})-(\\d{1,2})-(\\d{1,2})', fields: ['year', 'month', 'day'] },
  { pattern: '(\\d{1,2})/(\\d{1,2})/(\\d{4}|\\d{2})', fields: ['month', 'day', 'year'] },
  { pattern: '(\\d{1,2})/(\\d{1,2})/(\\d{4}|\\d{2})', fields: ['day', 'month', 'year'] },
  { pattern: '(\\d{1,2})/(\\d{1,2})', fields: ['month', 'day'] },
  { pattern: '(\\d{1,2})/(\\d{1,2})', fields: ['day', 'month'] },
  { pattern: '(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})', fields: ['day', 'month', 'year'] },
  // "on the 1st": the most recent 1st of a month.
  { pattern: '(\\d{1,2})(?:st|nd|rd|th)(?![a-z])', fields: ['day'] },
];
