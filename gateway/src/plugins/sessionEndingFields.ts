import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { rootFieldKeys } from './rootFields.ts';

/**
 * What a caller's successful request ended: the access token they sent it with, or their whole
 * session. `logOut` names its session by a refresh token the gateway cannot read, which may be
 * another of the caller's sessions than the one their access token belongs to; auth's
 * `SessionRevoked` brings that session to every replica.
 */
export type EndedByCaller = 'token' | 'session';

interface SessionEndingField {
  /** Whether the field's answer says it ended something. */
  readonly succeeded: (answer: unknown) => boolean;
  readonly ends: EndedByCaller;
}

/** Root fields by which a caller ends their session. */
const sessionEndingFields: Readonly<Record<string, SessionEndingField>> = {
  logOut: { succeeded: (answer) => answer === true, ends: 'token' },
  logOutEverywhere: { succeeded: (answer) => typeof answer === 'number', ends: 'session' },
};

/** The answers of the operation's session-ending fields, under whatever alias they were asked. */
function sessionEndingAnswers(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  data: Readonly<Record<string, unknown>>,
): { readonly field: SessionEndingField; readonly answer: unknown }[] {
  return [...rootFieldKeys(operation, document)].flatMap(([name, keys]) => {
    const field = Object.hasOwn(sessionEndingFields, name) ? sessionEndingFields[name] : undefined;
    return field === undefined ? [] : keys.map((key) => ({ field, answer: data[key] }));
  });
}

/**
 * What the operation ended of the caller's, by its answers: their whole session
 * (logOutEverywhere), their access token (a logOut that succeeded), or nothing.
 */
export function endedByCaller(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  data: Readonly<Record<string, unknown>>,
): EndedByCaller | undefined {
  const ended = sessionEndingAnswers(operation, document, data)
    .filter(({ field, answer }) => field.succeeded(answer))
    .map(({ field }) => field.ends);
  if (ended.includes('session')) return 'session';
  return ended.length > 0 ? 'token' : undefined;
}

/**
 * Whether the caller asked to end their session and was answered, successfully or not: a
 * `logOut` answered false named a refresh token that is no use any more either.
 */
export function askedToEndSession(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  data: Readonly<Record<string, unknown>>,
): boolean {
  return sessionEndingAnswers(operation, document, data).some(
    ({ answer }) => answer !== undefined && answer !== null,
  );
}
