import { InternalCodedError } from '@cashtrack/platform';

/** One reason an event was refused: the dotted field path (`payload.amountMinor`) and why. */
export interface EventIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Thrown by the codec and `newEvent` for anything that is not a valid CashTrack event. The message
 * names every offending field, so a dead-lettered message explains itself; `field` is the first.
 * Internal: a command's input is checked before its event is built, so an invalid event in a
 * resolver is our bug, and clients see only `INTERNAL_SERVER_ERROR` (graphqlErrors.ts).
 */
export class EventValidationError extends InternalCodedError {
  readonly issues: readonly EventIssue[];
  readonly field: string;

  constructor(issues: readonly EventIssue[], context: { type?: string; eventId?: string } = {}) {
    const what = context.type === undefined ? 'event' : `${context.type} event`;
    const list = issues.map((issue) => `${issue.path || '(message)'}: ${issue.message}`).join('; ');
    super('INVALID_EVENT', `Invalid ${what}: ${list}`, { ...context, issues });
    this.issues = issues;
    this.field = issues[0]?.path ?? '';
  }
}
