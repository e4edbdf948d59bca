import { isCalendarDate } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';

/**
 * Cursors of the `expenses` connection: the sort key of the last expense seen (occurredOn, then
 * id), base64url-encoded so clients treat it as opaque and do not build their own.
 */
export interface ExpenseCursor {
  readonly occurredOn: string;
  readonly id: string;
}

export function encodeExpenseCursor(cursor: ExpenseCursor): string {
  return Buffer.from(JSON.stringify([cursor.occurredOn, cursor.id]), 'utf8').toString('base64url');
}

/** INVALID_CURSOR for anything `encodeExpenseCursor` did not make. */
export function decodeExpenseCursor(cursor: string): ExpenseCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      isCalendarDate(value[0]) &&
      value[1] !== ''
    ) {
      return { occurredOn: value[0], id: value[1] };
    }
  } catch {
    // Falls through to the coded error.
  }
  throw new CodedError('INVALID_CURSOR', 'after is not a cursor this API returned', {
    field: 'after',
  });
}
