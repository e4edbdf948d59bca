import type { LearnedTerm } from './learnedTerms.ts';

/**
 * Each user's learned terms, kept in memory for a moment: without it every message would wait
 * for a database read (the worker handles a partition one message at a time). This process's
 * projector forgets a user as soon as it applies their correction, so one replica always reads
 * its own learning; a correction projected by another replica shows after `ttlMs` at most.
 */
export interface VocabularyCache {
  readonly termsOf: (userId: string) => Promise<readonly LearnedTerm[]>;
  readonly forget: (userId: string) => void;
}

export interface VocabularyCacheOptions {
  readonly load: (userId: string) => Promise<readonly LearnedTerm[]>;
  /** How long a user's terms are reused. */
  readonly ttlMs: number;
  /** Users remembered at once; the oldest entry goes first past this. */
  readonly maxUsers: number;
  readonly now?: () => number;
}

export function createVocabularyCache(options: VocabularyCacheOptions): VocabularyCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { terms: readonly LearnedTerm[]; loadedAt: number }>();
  return {
    async termsOf(userId) {
      const known = entries.get(userId);
      if (known !== undefined && now() - known.loadedAt < options.ttlMs) return known.terms;
      const loadedAt = now();
      const terms = await options.load(userId);
      entries.delete(userId);
      if (entries.size >= options.maxUsers) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(userId, { terms, loadedAt });
      return terms;
    },
    forget(userId) {
      entries.delete(userId);
    },
  };
}
