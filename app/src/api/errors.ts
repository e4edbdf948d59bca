/** An error the API answered (its `extensions.code`), or NETWORK when no answer came. */
export class ApiError extends Error {
  readonly code: string;
  readonly retryAfterSeconds: number | undefined;
  readonly field: string | undefined;

  constructor(
    code: string,
    message: string,
    details: { retryAfterSeconds?: number | undefined; field?: string | undefined } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.field = details.field;
  }
}

const messages: Readonly<Record<string, string>> = {
  NETWORK: 'No connection to CashTrack. Check your network and try again.',
  UNAUTHENTICATED: 'Your session has ended. Please log in again.',
  INVALID_REFRESH_TOKEN: 'Your session has ended. Please log in again.',
  INVALID_CREDENTIALS: 'That email and password do not match.',
  EMAIL_TAKEN: 'An account with this email already exists. Log in instead.',
  INVALID_EMAIL: 'That does not look like an email address.',
  INVALID_CHARACTERS: 'Please remove the special characters from the text.',
  EMPTY_TEXT: 'Type what you spent first.',
  TEXT_TOO_LONG: 'That message is too long (500 characters at most).',
  INVALID_AMOUNT: 'Enter an amount greater than 0, like 12.50.',
  TOO_MANY_DECIMALS: 'That amount has more decimals than the currency allows.',
  AMOUNT_OUT_OF_RANGE: 'That amount is too large.',
  INVALID_CURRENCY: 'Use a three-letter currency code, like USD or EUR.',
  INVALID_CATEGORY: 'Choose one of the categories.',
  INVALID_DATE: 'Use a date like 2026-11-24.',
  INVALID_DATE_RANGE: 'The start date must be on or before the end date.',
  DATE_OUT_OF_RANGE: 'That date is too far from today.',
  DESCRIPTION_TOO_LONG: 'The description is too long (200 characters at most).',
  SEARCH_TOO_LONG: 'The search text is too long (100 characters at most).',
  INVALID_TIMEZONE: 'Use a time zone like Europe/Berlin or America/New_York.',
  NOT_FOUND: 'That expense no longer exists.',
  CONFLICT: 'This expense was changed elsewhere. Reload and try again.',
  QUERY_TOO_COSTLY: 'That request is too large.',
  PAYLOAD_TOO_LARGE: 'That request is too large.',
  BAD_USER_INPUT: 'Please check the highlighted value.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on our side. Please try again.',
  SERVICE_UNAVAILABLE: 'Part of CashTrack is not answering right now. Please try again shortly.',
};

/** One plain sentence for a person, per error code. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'RATE_LIMITED':
    case 'TOO_MANY_ATTEMPTS': {
      const seconds = error.retryAfterSeconds ?? 60;
      const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
      return error.code === 'RATE_LIMITED'
        ? `Too many requests. Try again in ${wait}.`
        : `Too many attempts. Try again in ${wait}.`;
    }
    case 'BAD_USER_INPUT':
      return error.message.length > 0 ? error.message : (messages.BAD_USER_INPUT ?? '');
    default:
      return (
        messages[error.code] ?? (error.message.length > 0 ? error.message : 'Something went wrong.')
      );
  }
}
