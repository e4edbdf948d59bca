import { isCurrency } from '@cashtrack/events';
import type { AmountItem, Item } from './items.ts';
import {
  currencySymbols,
  currencyWords,
  lowerCaseCodes,
  type CurrencyToken,
} from './tables/currencyTokens.ts';

/**
 * Attaches the currency written next to an amount: a symbol or code before it ("$50",
 * "EUR 45"), or a symbol, code or word after it ("12,90€", "45 EUR", "20 bucks").
 */

function pick(token: CurrencyToken, userCurrency: string): string {
  return token.codes.includes(userCurrency) ? userCurrency : token.codes[0];
}

function codeOf(item: Item): string | undefined {
  if (item.kind !== 'word' || item.text.length !== 3) return undefined;
  const upper = item.text.toUpperCase();
  const written = item.text === upper || lowerCaseCodes.has(item.norm);
  return written && isCurrency(upper) ? upper : undefined;
}

/** The currency `item` names when written before a number. */
function currencyBefore(item: Item | undefined, userCurrency: string): string | undefined {
  if (item === undefined) return undefined;
  if (item.kind === 'symbol') {
    const token = currencySymbols[item.text];
    return token === undefined ? undefined : pick(token, userCurrency);
  }
  return codeOf(item);
}

/** The currency `item` names when written after a number: also words such as "dollars". */
function currencyAfter(item: Item | undefined, userCurrency: string): string | undefined {
  const before = currencyBefore(item, userCurrency);
  if (before !== undefined || item?.kind !== 'word') return before;
  const token = currencyWords[item.norm] ?? currencyWords[item.stem];
  return token === undefined ? undefined : pick(token, userCurrency);
}

export function attachCurrencies(items: readonly Item[], userCurrency: string): Item[] {
  const result: Item[] = [];
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index] as Item;
    if (item.kind !== 'amount' || item.currency !== undefined) {
      result.push(item);
      continue;
    }
    const previous = result[result.length - 1];
    const before = currencyBefore(previous, userCurrency);
    if (before !== undefined && previous !== undefined) {
      result[result.length - 1] = { ...item, currency: before, start: previous.start };
      continue;
    }
    const following = items[index + 1];
    const after = currencyAfter(following, userCurrency);
    if (after !== undefined && following !== undefined) {
      const amount: AmountItem = { ...item, currency: after, end: following.end };
      result.push(amount);
      index += 1;
      continue;
    }
    result.push(item);
  }
  return result;
}
