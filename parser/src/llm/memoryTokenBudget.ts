import { utcDay, type TokenBudget } from './tokenBudget.ts';

/**
 * The budget in process memory, for `npm run parse` and tests, which may run without MongoDB.
 * Lost on restart, and each process counts alone; the worker uses `mongoTokenBudget`.
 */
export function memoryTokenBudget(
  dailyTokens: number,
  clock: () => Date = () => new Date(),
): TokenBudget & { spent(userId: string): number } {
  const spending = new Map<string, number>();
  const key = (userId: string): string => `${userId}:${utcDay(clock())}`;
  const spent = (userId: string): number => spending.get(key(userId)) ?? 0;
  return {
    spent,
    hasRoom: async (userId) => spent(userId) < dailyTokens,
    charge: async (userId, tokens) => {
      spending.set(key(userId), spent(userId) + tokens);
    },
  };
}
