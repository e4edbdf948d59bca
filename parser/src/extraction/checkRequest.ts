import { IANAZone } from 'luxon';
import { isCurrency } from '@cashtrack/events';
import { CodedError } from '@cashtrack/platform';
import type { ParseRequest } from './types.ts';

/** Longer messages are refused before any parsing or model call (issue 7, safety). */
export const maxTextLength = 500;

/**
 * Refuses a request no extractor should work on. Every extractor calls this first, so the rules
 * parser and the LLM path refuse exactly the same inputs with the same codes.
 */
export function checkParseRequest(request: ParseRequest): void {
  if (request.text.trim() === '') {
    throw new CodedError('EMPTY_TEXT', 'The message is empty');
  }
  // Counted in code points, as a person counts characters, not in UTF-16 units.
  const length = [...request.text].length;
  if (length > maxTextLength) {
    throw new CodedError(
      'TEXT_TOO_LONG',
      `The message has ${length} characters; at most ${maxTextLength} are accepted`,
      { length, limit: maxTextLength },
    );
  }
  if (Number.isNaN(request.now.getTime())) {
    throw new CodedError('INVALID_NOW', 'The time the message was sent is not a valid date');
  }
  // IANAZone.create caches the zone and its validity; isValidZone would build a formatter per call.
  if (!IANAZone.create(request.timezone).isValid) {
    throw new CodedError('INVALID_TIMEZONE', `"${request.timezone}" is not an IANA time zone`, {
      timezone: request.timezone,
    });
  }
  if (!isCurrency(request.currency)) {
    throw new CodedError(
      'INVALID_CURRENCY',
      `"${request.currency}" is not an ISO-4217 currency code`,
      {
        currency: request.currency,
      },
    );
  }
}
