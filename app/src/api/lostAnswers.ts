import { ApiError } from './errors';

/**
 * A create command whose answer was lost (no connection, or a part of CashTrack stopped answering
 * mid-request) may or may not have been carried out. Sent again with the same client id, the
 * server answers what the first send made instead of making it twice (logExpense's
 * clientMessageId, addExpense's clientExpenseId), so the app retries it on its own rather than
 * leave the person to guess whether to type it again.
 */

const answerMayBeLost = new Set(['NETWORK', 'SERVICE_UNAVAILABLE']);

/** Unique per person with overwhelming odds; the server scopes it to the signed-in user. */
export function newClientId(): string {
  const random = () => Math.floor(Math.random() * 2 ** 48).toString(36);
  return `${Date.now().toString(36)}-${random()}${random()}`;
}

/** Runs `send`, and again after each wait while its answer was lost; the last error if all were. */
export async function sendUntilAnswered<Result>(
  send: () => Promise<Result>,
  waitsMs: readonly number[] = [1_000, 3_000],
): Promise<Result> {
  for (const waitMs of waitsMs) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ApiError) || !answerMayBeLost.has(error.code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
  return send();
}
