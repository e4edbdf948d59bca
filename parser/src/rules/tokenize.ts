import type { Item } from './items.ts';
import { normalizeWord, stem } from './stem.ts';
import { currencySymbols } from './tables/currencyTokens.ts';
import { dateLiteralFormats } from './tables/dateExpressions.ts';
import { numberSuffixes } from './tables/numberWords.ts';

/**
 * Splits a message into items: words, numerals, currency symbols, dates in digits, punctuation.
 * One regular expression, built once from the tables, scans the message left to right; the
 * alternatives are tried in order, so a date ("11/20") or a clock time ("7:30") is taken whole
 * before its digits could be read as amounts.
 */

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Longest symbols first, so "US$" wins over "$". */
const symbolSource = Object.keys(currencySymbols)
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join('|');

/** The table's date formats without their capture groups, as one alternative. */
const dateSource = [...new Set(dateLiteralFormats.map((format) => format.pattern))]
  .map((pattern) => pattern.replace(/\((?!\?)/g, '(?:'))
  .join('|');

const suffixSource = Object.keys(numberSuffixes)
  .flatMap((suffix) => [suffix.toLowerCase(), suffix.toUpperCase()])
  .map(escape)
  .join('');

const tokenPattern = new RegExp(
  [
    // Not followed by more digits or separators, so "11/20/2026" is never cut short.
    `(?<date>(?:${dateSource}))(?![\\d/]|[.,]\\d)`,
    `(?<ignored>\\d{1,2}:\\d{2}(?:\\s?[aApP]\\.?[mM]\\b\\.?)?|\\d{1,2}\\s?[aApP][mM]\\b|\\d+(?:[.,]\\d+)?\\s?%)`,
    `(?<symbol>${symbolSource})`,
    // A suffix letter counts only when no other letter follows: "3.5k" but not "5km".
    `(?<numeral>\\d+(?:[.,]\\d+)*)(?<suffix>[${suffixSource}](?!\\p{L}))?`,
    `(?<word>\\p{L}+(?:['’\\-]\\p{L}+)*)`,
    // One pictograph with what may dress it (variation selector, skin tone, a joined sign).
    `(?<emoji>\\p{Extended_Pictographic}(?:\\u{FE0F}|\\p{Emoji_Modifier}|\\u{200D}\\p{Extended_Pictographic}\\u{FE0F}?)*)`,
    `(?<punct>[^\\s\\p{L}\\d]|\\n)`,
  ].join('|'),
  'gu',
);

export function tokenize(text: string): Item[] {
  const items: Item[] = [];
  for (const match of text.matchAll(tokenPattern)) {
    const groups = match.groups ?? {};
    const start = match.index;
    const end = start + match[0].length;
    if (groups.date !== undefined) {
      items.push({ kind: 'dateLiteral', text: groups.date, start, end });
    } else if (groups.ignored !== undefined) {
      items.push({ kind: 'ignored', start, end });
    } else if (groups.symbol !== undefined) {
      items.push({ kind: 'symbol', text: groups.symbol, start, end });
    } else if (groups.numeral !== undefined) {
      const suffix = groups.suffix?.toLowerCase();
      const factor = suffix === undefined ? 1 : (numberSuffixes[suffix] ?? 1);
      items.push({ kind: 'numeral', value: { literal: groups.numeral, factor }, start, end });
    } else if (groups.word !== undefined) {
      const norm = normalizeWord(groups.word);
      items.push({ kind: 'word', text: groups.word, norm, stem: stem(norm), start, end });
    } else if (groups.emoji !== undefined) {
      // A pictograph stands where a word would ("🍕 12"): a word to the tables, folded to its
      // base so "💇‍♀️" and "💇🏽" read as "💇".
      const base = String.fromCodePoint(groups.emoji.codePointAt(0) ?? 0);
      items.push({ kind: 'word', text: groups.emoji, norm: base, stem: base, start, end });
    } else {
      items.push({ kind: 'punct', text: match[0], norm: match[0], start, end });
    }
  }
  return items;
}
