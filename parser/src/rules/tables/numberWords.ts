/**
 * Numbers written as words ("fifteen", "twenty-five", "a hundred and twenty", "2 grand").
 * Units and tens add up; scales multiply what came before them.
 */

export const unitWords: Readonly<Record<string, number>> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};

export const tensWords: Readonly<Record<string, number>> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/**
 * Multipliers. `closes` marks the scales that close a group ("two thousand three hundred"):
 * everything before them is multiplied and set aside. They also follow digits ("3 thousand").
 */
export const scaleWords: Readonly<
  Record<string, { readonly factor: number; readonly closes: boolean }>
> = {
  dozen: { factor: 12, closes: false },
  hundred: { factor: 100, closes: false },
  thousand: { factor: 1_000, closes: true },
  grand: { factor: 1_000, closes: true },
  million: { factor: 1_000_000, closes: true },
};

/** "a" and "an" mean one, but only right before a scale ("a hundred", not "a sandwich"). */
export const articleWords: ReadonlySet<string> = new Set(['a', 'an']);

/** Allowed inside a number after a scale ("one hundred and twenty"). */
export const joinerWords: ReadonlySet<string> = new Set(['and']);

/** Letter suffixes glued to digits ("3.5k"). Matched case-insensitively by the tokenizer. */
export const numberSuffixes: Readonly<Record<string, number>> = {
  k: 1_000,
};
