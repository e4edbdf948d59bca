/**
 * Folds a word to the form table phrases are matched in: lower-case, straight apostrophes, no
 * possessive "'s" and no plural "s" ("tickets" → "ticket", "McDonald's" → "mcdonald").
 * Deliberately crude: both sides of a comparison go through it, so it only has to be consistent.
 * Plurals in "-ies" stay as they are; tables list such words in both forms.
 */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/[’‘`]/g, "'");
}

export function stem(word: string): string {
  const norm = normalizeWord(word).replace(/'s$/, '');
  if (norm.length > 3 && norm.endsWith('s') && !norm.endsWith('ss')) return norm.slice(0, -1);
  return norm;
}
