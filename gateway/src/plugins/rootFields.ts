import {
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The root field names an operation selects, looking through fragments on the root type. */
export function rootFieldNames(
  operation: OperationDefinitionNode,
  document: DocumentNode,
): string[] {
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
): Map<string, number> {
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
  return new Map([...keysByField].map(([name, keys]) => [name, keys.size]));
}
