/**
 * A seeded pseudo-random generator (mulberry32), so a chaos run can be replayed: the same seed
 * gives the same fault plan and the same workload choices.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A copy of `items` in random order. */
  shuffle<T>(items: readonly T[]): T[];
  /** An independent generator whose sequence depends only on this seed and `label`. */
  fork(label: string): Random;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error('pick needs at least one item');
      return item;
    },
    shuffle<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
    fork(label: string): Random {
      return seededRandom(hashSeed(`${seed}:${label}`));
    },
  };
}

/** A 32-bit seed from a string (FNV-1a), for forks and for seeds given as text. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** `CHAOS_SEED` when given (a number, or any text hashed), otherwise a fresh random seed. */
export function chaosSeed(given: string | undefined): number {
  const text = given?.trim();
  if (text === undefined || text === '') return Math.floor(Math.random() * 4_294_967_296);
  return /^\d+$/.test(text) ? Number(text) >>> 0 : hashSeed(text);
}
