import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';

/** The app's operations: what the mobile app and GraphiQL's tabs send. */
const appOperations = new URL('../../../app/src/api/operations.graphql', import.meta.url);

/**
 * The names of the app's own operations, read once at start-up, so they are counted by name
 * before any caller's: none where the app's sources are not deployed (a container image).
 */
export function appOperationNames(): string[] {
  let text: string;
  try {
    text = readFileSync(appOperations, 'utf8');
  } catch {
    return [];
  }
  return parse(text).definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION && definition.name !== undefined
      ? [definition.name.value]
      : [],
  );
}
