import type { Category, PayloadOf } from '@cashtrack/events';
import { categorize } from '../rules/categorize.ts';
import type { Item } from '../rules/items.ts';
import { fillerWords, phraseBoundaries, separators } from '../rules/tables/messageWords.ts';
import { tokenize } from '../rules/tokenize.ts';

/**
 * What a person taught the parser by correcting a category: words or a merchant, and the
 * category they mean by it. Pure: the vocabulary read model stores what `learnFrom` returns.
 */

/** A phrase of one or more words (folded, see `stem.ts`) and the category it means. */
export interface LearnedTerm {
  readonly words: readonly string[];
  readonly category: Category;
}

/** The corrections a vocabulary has applied, so a redelivered or losing one changes nothing. */
export interface AppliedCorrection {
  readonly expenseId: string;
  readonly expenseVersion: number;
}

export interface Vocabulary {
  /** Newest last; a term learned again moves to the end with its new category. */
  readonly terms: readonly LearnedTerm[];
  readonly corrections: readonly AppliedCorrection[];
}

export const emptyVocabulary: Vocabulary = { terms: [], corrections: [] };

/** Most terms kept per person: the oldest go first (a document stays small). */
export const maxTerms = 500;
/** Most corrections remembered for idempotency; far more than race or redelivery needs. */
const maxCorrections = 1_000;

function carriesMeaning(item: Item): item is Extract<Item, { kind: 'word' }> {
  return (
    item.kind === 'word' &&
    !fillerWords.has(item.norm) &&
    !phraseBoundaries.has(item.norm) &&
    !separators.has(item.norm)
  );
}

/**
 * The terms a description teaches: its meaningful words as one phrase ("vet bill"), and each of
 * them the keyword tables do not know on its own ("bento", "vet"). Words the tables know are
 * learned only inside the phrase, so correcting "vet bill" never changes what "bill" means.
 */
export function termsOf(description: string): readonly (readonly string[])[] {
  const words = tokenize(description).filter(carriesMeaning);
  if (words.length === 0) return [];
  const phrase = words.map((word) => word.stem);
  const unknown = words
    .filter((word) => categorize([word]) === undefined)
    .map((word) => [word.stem]);
  const terms = [phrase, ...unknown.filter((term) => phrase.length > 1 || term[0] !== phrase[0])];
  return terms;
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((word, index) => word === b[index]);
}

/** The vocabulary after one correction; the same one again, or one that lost its race, is a no-op. */
export function learnFrom(
  vocabulary: Vocabulary,
  correction: PayloadOf<'ExpenseCategoryCorrected'>,
): Vocabulary {
  const seen = vocabulary.corrections.some(
    (applied) =>
      applied.expenseId === correction.expenseId &&
      applied.expenseVersion >= correction.expenseVersion,
  );
  if (seen) return vocabulary;
  const taught = termsOf(correction.description).map((words) => ({
    words,
    category: correction.toCategory,
  }));
  const kept = vocabulary.terms.filter(
    (term) => !taught.some((learned) => sameWords(learned.words, term.words)),
  );
  return {
    terms: [...kept, ...taught].slice(-maxTerms),
    corrections: [
      ...vocabulary.corrections.filter((applied) => applied.expenseId !== correction.expenseId),
      { expenseId: correction.expenseId, expenseVersion: correction.expenseVersion },
    ].slice(-maxCorrections),
  };
}
