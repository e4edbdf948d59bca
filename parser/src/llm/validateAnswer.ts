import type { DateTime } from 'luxon';
import {
  isCalendarDate,
  isCategory,
  isCurrency,
  parseAmountToMinor,
  type Category,
} from '@cashtrack/events';
import { CodedError, errorMessage } from '@cashtrack/platform';
import { maxDescriptionLength, type ExtractedExpense } from '../extraction/types.ts';
import { modelAnswerSchema, type ModelExpense } from './answerSchema.ts';
import { isAmountSupported, numbersInText } from './amountSupport.ts';

/**
 * Turns the model's raw answer into expenses, or throws `INVALID_MODEL_ANSWER` saying what was
 * wrong. One bad expense rejects the whole answer: the rules parser then reads the message
 * again, which is better than recording part of it and dropping the rest without a word.
 */

/** Expenses older than this are taken for a model's mistake ("2016" for "2026"), not a memory. */
const oldestDaysBack = 366;

function invalid(message: string, details: Readonly<Record<string, unknown>> = {}): never {
  throw new CodedError('INVALID_MODEL_ANSWER', message, details);
}

/** The model's JSON text as expenses, checked against the request's context. */
export function validateAnswer(content: string, text: string, today: DateTime): ExtractedExpense[] {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    invalid('the answer is not JSON');
  }
  const parsed = modelAnswerSchema.safeParse(json);
  if (!parsed.success) {
    invalid(`the answer does not have the expected shape: ${parsed.error.issues[0]?.message}`);
  }
  const bounds = {
    latest: today.plus({ days: 1 }).toISODate() ?? '',
    earliest: today.minus({ days: oldestDaysBack }).toISODate() ?? '',
  };
  const numbers = numbersInText(text);
  return parsed.data.expenses.map((expense, position) =>
    validateExpense(expense, position, bounds, (amountMinor, currency) =>
      isAmountSupported(amountMinor, currency, numbers),
    ),
  );
}

function validateExpense(
  expense: ModelExpense,
  position: number,
  bounds: { readonly latest: string; readonly earliest: string },
  supported: (amountMinor: number, currency: string) => boolean,
): ExtractedExpense {
  const currency = expense.currency.trim().toUpperCase();
  if (!isCurrency(currency)) invalid(`expense ${position}: "${currency}" is no ISO-4217 currency`);
  if (!isCategory(expense.category)) {
    invalid(`expense ${position}: "${expense.category}" is not a category`);
  }
  const category: Category = expense.category;
  let amountMinor: number;
  try {
    // Rejects non-decimals, more decimals than the currency has, 0 and more than 1e9.
    amountMinor = parseAmountToMinor(expense.amount, currency);
  } catch (error) {
    invalid(`expense ${position}: ${errorMessage(error)}`);
  }
  if (!supported(amountMinor, currency)) {
    invalid(`expense ${position}: the amount ${expense.amount} is not written in the message`, {
      amount: expense.amount,
    });
  }
  const description = expense.description.trim();
  if (description === '' || [...description].length > maxDescriptionLength) {
    invalid(`expense ${position}: the description is empty or longer than ${maxDescriptionLength}`);
  }
  const occurredOn = expense.occurredOn;
  if (!isCalendarDate(occurredOn)) invalid(`expense ${position}: "${occurredOn}" is no date`);
  if (occurredOn > bounds.latest || occurredOn < bounds.earliest) {
    invalid(`expense ${position}: ${occurredOn} is outside ${bounds.earliest}..${bounds.latest}`);
  }
  // The model says nothing about its certainty; `other` is where it puts what it cannot place.
  return {
    amountMinor,
    currency,
    category,
    description,
    occurredOn,
    parsedBy: 'llm',
    guessed: category === 'other',
  };
}
