/**
 * A per-user daily allowance of model tokens. Checked before a model call and charged after it
 * with what the answer's `usage` says. Check and charge are separate steps, so two messages of
 * one user handled at the same moment can together pass the budget by at most one answer's
 * tokens; a hard limit would need a reservation, which costs a write even for the rules path.
 */
export interface TokenBudget {
  /** True while `userId` has spent less than the daily allowance today (UTC). */
  hasRoom(userId: string): Promise<boolean>;
  /** Adds `tokens` to today's (UTC) spending of `userId`. */
  charge(userId: string, tokens: number): Promise<void>;
}

/** The budget's day: `YYYY-MM-DD` in UTC, so every replica agrees when a day starts. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Messages without a user (the command line) share this budget. */
export const anonymousUser = 'anonymous';
