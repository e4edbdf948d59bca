import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { rootFieldKeys } from './rootFields.ts';

/** Root fields by which a caller ends their session, and the answer that says it ended. */
const endsCallersSession: Readonly<Record<string, (answer: unknown) => boolean>> = {
  logOut: (answer) => answer === true,
  logOutEverywhere: (answer) => typeof answer === 'number',
};

/** The answers of the operation's session-ending fields, under whatever alias they were asked. */
function sessionEndingAnswers(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  data: Readonly<Record<string, unknown>>,
): { readonly ended: (answer: unknown) => boolean; readonly answer: unknown }[] {
  return [...rootFieldKeys(operation, document)].flatMap(([name, keys]) => {
    const ended = Object.hasOwn(endsCallersSession, name) ? endsCallersSession[name] : undefined;
    return ended === undefined ? [] : keys.map((key) => ({ ended, answer: data[key] }));
  });
}

/** Whether the operation ended the caller's session: a logOut that succeeded, or logOutEverywhere. */
export function endedCallersSession(
  operation: OperationDefinitionNode,
  document: DocumentNode,
  data: Readonly<Record<string, unknown>>,
): boolean {
  return sessionEndingAnswers(operation, document, data).some(({ ended, answer }) => ended(answer));
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
