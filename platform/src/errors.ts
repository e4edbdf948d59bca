/** An error with a stable machine-readable code, the only kind our code throws on purpose. */
export class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A coded error that says our own code went wrong, not the request (e.g. an event a command built
 * failed its contract). Logged in full where it is caught; a client sees only
 * `INTERNAL_SERVER_ERROR` and the correlation id, never its code or details, which name internal
 * things such as event ids and validator messages.
 */
export class InternalCodedError extends CodedError {}

/** Makes a switch over a union exhaustive: reaching it is a compile error. */
export class UnreachableCaseError extends Error {
  constructor(value: never) {
    super(`Unreachable case: ${JSON.stringify(value)}`);
    this.name = 'UnreachableCaseError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
