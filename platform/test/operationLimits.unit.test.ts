import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { buildASTSchema, buildSchema, parse, specifiedRules, validate } from 'graphql';
import {
  operationLimitRules,
  operationLimitsFromEnv,
  type OperationLimits,
} from '../src/graphql/operationLimits.ts';

// The shape of the expense subgraph where the abuse happened: a connection whose nodes lead back
// to the user, and `_entities` in front.
const schema = buildSchema(`
  scalar _Any
  union _Entity = User
  type Expense { id: ID!, description: String, user: User! }
  type ExpenseEdge { cursor: String!, node: Expense! }
  type ExpenseConnection { edges: [ExpenseEdge!]! }
  type User { id: ID!, expenses(first: Int): ExpenseConnection! }
  type Query { me: User, _entities(representations: [_Any!]!): [_Entity]! }
`);

const limits: OperationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxCost: 5_000,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxRepresentations: 50,
};

function codesOf(
  query: string,
  options: Parameters<typeof operationLimitRules>[1] = {},
): unknown[] {
  return validate(schema, parse(query), [
    ...specifiedRules,
    ...operationLimitRules(limits, options),
  ]).map((error) => error.extensions.code);
}

const user = { __typename: 'User', id: 'u1' };
/** `expenses(first: <size>) { edges { node { user { … } } } }` nested `levels` times. */
function nested(levels: number, size: string): string {
  let inner = 'id';
  for (let level = 0; level < levels; level += 1) {
    inner = `expenses(first: ${size}) { edges { node { user { ${inner} } } } }`;
  }
  return inner;
}

describe('the shared operation limits', () => {
  it('accept an ordinary page of expenses, with its size inline or in a variable', () => {
    const page = 'expenses(first: $first) { edges { cursor node { id description } } }';
    expect(codesOf(`query ($first: Int) { me { ${page} } }`, { variables: { first: 50 } })).toEqual(
      [],
    );
    expect(codesOf('{ me { expenses(first: 100) { edges { node { id } } } } }')).toEqual([]);
  });

  it('count a page size given as a variable at its value, so nesting pages is refused', () => {
    const query = `query ($n: Int) { me { ${nested(2, '$n')} } }`;
    // graphql-armor alone counted `first: $n` as one item: this passed at any $n.
    expect(codesOf(query, { variables: { n: 100 } })).toEqual(['QUERY_TOO_COSTLY']);
    expect(codesOf(query, { variables: { n: 2 } })).toEqual([]);
  });

  it('count an unknown page-size variable at the largest page', () => {
    expect(codesOf(`query ($n: Int) { me { ${nested(2, '$n')} } }`)).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('count a page-size variable the request leaves out, or null, at the default page', () => {
    // One page of this shape costs 426 at the default 20 items and 2,130 at the largest page.
    const tight = { ...limits, maxCost: 1_000 };
    const codes = (query: string, variables?: Record<string, unknown>): unknown[] =>
      validate(schema, parse(query), operationLimitRules(tight, { variables })).map(
        (error) => error.extensions.code,
      );
    const page = `query ($n: Int) { me { ${nested(1, '$n')} } }`;
    expect(codes(page, {})).toEqual([]);
    expect(codes(page, { n: null })).toEqual([]);
    expect(codes(`{ me { ${nested(1, 'null')} } }`)).toEqual([]);
    expect(codes(page, { n: 100 })).toEqual(['QUERY_TOO_COSTLY']);
    // Variables not known at all (a document checked once for many requests): the largest page.
    expect(codes(page)).toEqual(['QUERY_TOO_COSTLY']);
  });

  it('accept a full page of 100 expenses with every field under the default limits', () => {
    const fields = `id amount { amountMinor currency amount } category description occurredOn
      source messageId version pending user { id }`;
    const page = `expenses(first: 100) { edges { cursor node { ${fields} } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }`;
    const supergraph = buildASTSchema(
      parse(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8')),
      { assumeValidSDL: true },
    );
    const errors = validate(supergraph, parse(`{ ${page} }`), [
      ...operationLimitRules(operationLimitsFromEnv()),
    ]);
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it('refuse the _entities abuse that exhausted the expense subgraph, at any depth it fits', () => {
    const abuse = (levels: number) =>
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${nested(levels, '100')} } } }`;
    expect(codesOf(abuse(12), { variables: { r: [user] }, flattenFragments: true })).toEqual(
      expect.arrayContaining(['QUERY_TOO_DEEP', 'QUERY_TOO_COSTLY']),
    );
    expect(codesOf(abuse(2), { variables: { r: [user] }, flattenFragments: true })).toEqual([
      'QUERY_TOO_COSTLY',
    ]);
  });

  it('multiply an entity fetch by its representations and bound how many there are', () => {
    const fetch = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id expenses(first: 10) { edges { node { id } } } } } }`;
    const options = (count: number) => ({
      variables: { r: Array.from({ length: count }, (_, index) => ({ ...user, id: `u${index}` })) },
      flattenFragments: true,
    });
    expect(codesOf(fetch, options(1))).toEqual([]);
    expect(codesOf(fetch, options(40))).toEqual(['QUERY_TOO_COSTLY']);
    expect(codesOf(fetch, options(51))).toContain('TOO_MANY_REPRESENTATIONS');
  });

  it('flattened, count the entity wrapper of a gateway fetch as no extra level', () => {
    // Depth 10 at the gateway (me at 1) is depth 11 once wrapped in `_entities { ... on User }`.
    const selection =
      'expenses(first: 1) { edges { node { user { expenses(first: 1) { edges { node { user { id } } } } } } } }';
    expect(codesOf(`{ me { ${selection} } }`)).toEqual([]);
    const fetch = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { ${selection} } } }`;
    expect(codesOf(fetch, { variables: { r: [user] } })).toEqual(['QUERY_TOO_DEEP']);
    expect(codesOf(fetch, { variables: { r: [user] }, flattenFragments: true })).toEqual([]);
  });

  it('do not loop on fragment cycles (graphql-js refuses them itself)', () => {
    const codes = codesOf(
      '{ me { ...a } } fragment a on User { expenses { edges { node { user { ...a } } } } }',
    );
    expect(codes).not.toContain('QUERY_TOO_COSTLY');
  });
});
