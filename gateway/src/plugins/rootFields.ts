import {
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Apollo hands every request with the same text the same parsed document (its document store),
 * so what is read off an operation here is kept per operation node: a repeated operation, or a
 * persisted one, costs two lookups instead of two walks. A node belongs to one document, whose
 * fragments are part of the answer, so the node alone is the key.
 */
const namesByOperation = new WeakMap<OperationDefinitionNode, readonly string[]>();
const executionsByOperation = new WeakMap<OperationDefinitionNode, ReadonlyMap<string, number>>();
const keysByOperation = new WeakMap<
  OperationDefinitionNode,
  ReadonlyMap<string, readonly string[]>
>();

/** The root field names an operation selects, looking through fragments on the root type. */
export function rootFieldNames(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): readonly string[] {
  let names = namesByOperation.get(operation);
  if (names === undefined) {
    names = readRootFieldNames(operation, document);
    namesByOperation.set(operation, names);
  }
  return names;
}

function readRootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions
      .filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment.selectionSet]),
  );
  const names = new Set<string>();
  const visit = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) visit(fragment, new Set([...seen, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return [...names];
}

/**
 * How many times each root field runs: its distinct response keys (alias, or the name), through
 * fragments. Ten aliased `signUp` fields run ten times; the same field spread twice under one
 * key is merged by GraphQL and runs once. `@skip` / `@include` are not evaluated, so a skipped
 * field is still counted: for rate limits, counting too much is the safe side.
 */
export function rootFieldExecutions(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): ReadonlyMap<string, number> {
  let executions = executionsByOperation.get(operation);
  if (executions === undefined) {
    executions = new Map(
      [...rootFieldKeys(operation, document)].map(([name, keys]) => [name, keys.length]),
    );
    executionsByOperation.set(operation, executions);
  }
  return executions;
}

/**
 * The response keys (alias, or the name) under which each root field answers, through
 * fragments: where to find a field's answer in the result, whatever the client called it.
 */
export function rootFieldKeys(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): ReadonlyMap<string, readonly string[]> {
  let keys = keysByOperation.get(operation);
  if (keys === undefined) {
    keys = readRootFieldKeys(operation, document);
    keysByOperation.set(operation, keys);
  }
  return keys;
}

function readRootFieldKeys(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): Map<string, readonly string[]> {
  const fragments = new Map(
    document.definitions
      .filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment.selectionSet]),
  );
  const keysByField = new Map<string, Set<string>>();
  const visit = (selectionSet: SelectionSetNode, seen: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const keys = keysByField.get(name) ?? new Set<string>();
        keys.add(selection.alias?.value ?? name);
        keysByField.set(name, keys);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) visit(fragment, new Set([...seen, selection.name.value]));
      }
    }
  };
  visit(operation.selectionSet, new Set());
  return new Map([...keysByField].map(([name, keys]) => [name, [...keys]]));
}
