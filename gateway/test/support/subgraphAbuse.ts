/**
 * Security review, item 1: one query sent straight to the expense subgraph, nesting
 * `_entities → User.expenses(first: 100) → node.user.expenses(first: 100)` twelve levels deep,
 * grew the process to its 4 GB heap and killed it. The query and its variants, for the tests that
 * send them to every subgraph.
 */
export interface Abuse {
  readonly name: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

/** `expenses(first: <first>) { edges { node { … user { … } } } }`, `levels` times. */
export function nestedExpenses(levels: number, first = '100'): string {
  let inner = 'id';
  for (let level = 0; level < levels; level += 1) {
    inner = `expenses(first: ${first}) { edges { node { id description user { ${inner} } } } }`;
  }
  return inner;
}

const entitiesOfUser = (selection: string, extraVariables = '') =>
  `query ($representations: [_Any!]!${extraVariables}) { _entities(representations: $representations) { ... on User { ${selection} } } }`;

/** The reported query, the same nesting with page sizes in variables, many representations, many aliases. */
export function subgraphAbuses(userId: string): Abuse[] {
  const representation = { __typename: 'User', id: userId };
  return [
    {
      name: 'the reported query: twelve levels, first: 100 inline',
      query: entitiesOfUser(nestedExpenses(12)),
      variables: { representations: [representation] },
    },
    {
      name: 'as deep as the depth limit allows, page sizes in a variable',
      query: entitiesOfUser(nestedExpenses(2, '$n'), ', $n: Int'),
      variables: { representations: [representation], n: 100 },
    },
    {
      name: 'ten thousand representations of the same user',
      query: entitiesOfUser('id'),
      variables: { representations: Array.from({ length: 10_000 }, () => representation) },
    },
    {
      name: 'fifteen aliased pages of pages',
      query: `query ($n: Int) { ${Array.from(
        { length: 15 },
        (_, index) =>
          `a${index}: expenses(first: $n) { edges { node { user { ${nestedExpenses(1, '$n')} } } } }`,
      ).join(' ')} }`,
      variables: { n: 100 },
    },
  ];
}

/** What a subgraph may answer a signed abuse with: HTTP 400 and a limit code (or, lacking the fields, a validation error). */
export const limitCodes =
  /^(QUERY_TOO_DEEP|QUERY_TOO_COSTLY|TOO_MANY_REPRESENTATIONS|TOO_MANY_ALIASES)$/;
