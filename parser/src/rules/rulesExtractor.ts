import type { DateTime } from 'luxon';
import { CodedError } from '@cashtrack/platform';
import { checkParseRequest } from '../extraction/checkRequest.ts';
import type {
  ExpenseExtractor,
  ExtractedExpense,
  ParseOutcome,
  ParseRequest,
} from '../extraction/types.ts';
import { bestKeyword, categorize, indexKeywords, type KeywordIndex } from './categorize.ts';
import { attachCurrencies } from './currencies.ts';
import { resolveDates, userToday } from './dates.ts';
import { toMinorUnits } from './decimal.ts';
import { describe, quote } from './describe.ts';
import { isClearlyNotPurchase, isCountOrMeasure } from './notPurchase.ts';
import type { DateItem, DivisorItem, Item } from './items.ts';
import { applyQuantities, applySplits, demoteCounts } from './quantities.ts';
import { readNumbers } from './readNumbers.ts';
import { segment, type Segment } from './segments.ts';
import { spendingCues } from './tables/messageWords.ts';
import { tokenize } from './tokenize.ts';

/**
 * The deterministic parser: a fixed pipeline of passes over the message's items, each driven by
 * a table in `tables/`. Used when no model is configured and as the LLM path's fallback.
 */

const reasons = {
  noAmount: "I couldn't find an amount of money in that message, so no expense was recorded.",
  notPurchase:
    'That reads like a question, a reminder or money coming in, not something you bought, so nothing was recorded. To record it, write what you spent, such as "rent 1200".',
  noSpending:
    'That number seems to count or measure something rather than money spent. To record it, write something like "lunch 12" or "$40 for gas".',
  future: 'That date is in the future; expenses can be recorded up to tomorrow.',
} as const;

/** The items after every pass, in the order the passes depend on each other. */
export function analyze(request: ParseRequest, today: DateTime): Item[] {
  let items = tokenize(request.text);
  items = readNumbers(items); // numbers first: "3 days ago" is a date, "2 x 12" a quantity
  items = resolveDates(items, today); // dates before currencies: "11/20" is never money
  items = attachCurrencies(items, request.currency);
  items = applyQuantities(items);
  items = applySplits(items);
  return demoteCounts(items, request.text);
}

/**
 * What applies to every expense that does not say otherwise: a date written before the first
 * amount or after the last ("yesterday: gas 40 and parking 6", "gas 40 and parking 6
 * yesterday"), and the currency when all amounts that name one name the same. A date between
 * amounts belongs to its own expense only ("uber 23.40 yesterday + coffee 4": coffee is today).
 */
function messageDefaults(items: readonly Item[], request: ParseRequest, today: string) {
  const amounts = items.flatMap((item, index) => (item.kind === 'amount' ? [{ item, index }] : []));
  const firstAmount = amounts[0]?.index ?? 0;
  const lastAmount = amounts[amounts.length - 1]?.index ?? items.length;
  const edgeDate = items.find(
    (item, index): item is DateItem =>
      item.kind === 'date' && (index < firstAmount || index > lastAmount),
  );
  const named = new Set(
    amounts.flatMap(({ item }) => (item.currency === undefined ? [] : [item.currency])),
  );
  const [onlyCurrency] = named;
  return {
    date: edgeDate?.isoDate ?? today,
    currency: named.size === 1 && onlyCurrency !== undefined ? onlyCurrency : request.currency,
  };
}

type SegmentResult = { expense: ExtractedExpense } | { problem: string };

/** The user's learned terms as a keyword index; small, so built per message. */
function learnedIndex(request: ParseRequest): KeywordIndex | undefined {
  const terms = request.vocabulary ?? [];
  if (terms.length === 0) return undefined;
  return indexKeywords(
    terms.map((term) => ({ category: term.category, phrases: [term.words.join(' ')] })),
  );
}

export function parseWithRules(request: ParseRequest): ParseOutcome {
  checkParseRequest(request);
  const today = userToday(request.now, request.timezone);
  const todayIso = today.toISODate() ?? '';
  const items = analyze(request, today);
  // Only a date in the message can be in the future; most messages have none, so luxon's
  // arithmetic is spared for them.
  const tomorrowIso = items.some((item) => item.kind === 'date')
    ? (today.plus({ days: 1 }).toISODate() ?? '')
    : todayIso;
  const segments = segment(items);
  if (segments.length === 0)
    return { expenses: [], reason: reasons.noAmount, parser: 'rules', tokensUsed: 0 };

  if (isClearlyNotPurchase(items, request.text)) {
    return { expenses: [], reason: reasons.notPurchase, parser: 'rules', tokensUsed: 0 };
  }
  const defaults = messageDefaults(items, request, todayIso);
  const spendingSaid = items.some((item) => item.kind === 'word' && spendingCues.has(item.norm));

  const learned = learnedIndex(request);

  const toExpense = (part: Segment): SegmentResult => {
    // The person's own corrections come before the tables: they said what these words mean.
    const taught = learned === undefined ? undefined : bestKeyword(part.items, learned);
    const keyword =
      taught === undefined
        ? categorize(part.items)
        : { category: taught.keyword.category, generic: false };
    const divisor = part.items.find((item): item is DivisorItem => item.kind === 'divisor');
    // With nothing saying it is money (a currency, a category word, a spending verb, a price
    // per item, a shared bill), a number that counts, measures or tells the time is not an
    // expense ("I have 3 kids"); any other amount is kept as a guess, never dropped.
    const saysMoney =
      part.amount.currency !== undefined ||
      keyword !== undefined ||
      spendingSaid ||
      part.amount.quantity > 1 ||
      divisor !== undefined;
    if (!saysMoney && isCountOrMeasure(part.amount, items)) return { problem: reasons.noSpending };
    const category = keyword?.category ?? 'other';
    const guessed = keyword === undefined || keyword.generic;
    const ownDate = part.items.find((item): item is DateItem => item.kind === 'date');
    const occurredOn = ownDate?.isoDate ?? defaults.date;
    if (occurredOn > tomorrowIso) return { problem: reasons.future };
    const currency = part.amount.currency ?? defaults.currency;
    try {
      const amountMinor = toMinorUnits(
        part.amount.value,
        currency,
        part.amount.quantity,
        divisor?.ways,
      );
      // Unsure what it was: the person's own text, so they recognise it and can fix it.
      const description =
        category === 'other'
          ? quote(part.items, request.text)
          : describe(part.items, request.text, category);
      return {
        expense: {
          amountMinor,
          currency,
          category,
          description,
          occurredOn,
          parsedBy: taught === undefined ? 'rules' : 'rules-learned',
          guessed,
        },
      };
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      return { problem: `I couldn't record that amount: ${error.message}.` };
    }
  };

  const results = segments.map(toExpense);
  const expenses = results.flatMap((result) => ('expense' in result ? [result.expense] : []));
  if (expenses.length > 0) return { expenses, parser: 'rules', tokensUsed: 0 };
  const problem = results.find((result): result is { problem: string } => 'problem' in result);
  return {
    expenses: [],
    reason: problem?.problem ?? reasons.noAmount,
    parser: 'rules',
    tokensUsed: 0,
  };
}

/** The rules parser behind the common interface; invalid requests reject with a `CodedError`. */
export const rulesExtractor: ExpenseExtractor = {
  extract: (request) => new Promise((resolve) => resolve(parseWithRules(request))),
};
