import { describe, expect, it } from '@jest/globals';
import { breakingChanges } from '../src/breakingChanges.ts';
import { composeSupergraph } from '../src/composeSupergraph.ts';

const federation =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

const accounts = {
  name: 'accounts',
  url: 'http://127.0.0.1:5001/graphql',
  sdl: `${federation}
    type User @key(fields: "id") { id: ID!, email: String!, nickname: String }
    type Query { me: User }`,
};

const reviews = (reviewFields: string) => ({
  name: 'reviews',
  url: 'http://127.0.0.1:5002/graphql',
  sdl: `${federation}
    type Review { id: ID!, ${reviewFields} }
    type User @key(fields: "id") { id: ID!, reviews: [Review!]! }`,
});

describe('the schema check', () => {
  const base = composeSupergraph([accounts, reviews('body: String!, stars: Int!')]);

  it('composes subgraphs into a supergraph that names each of them', () => {
    expect(base).toContain(
      'ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:5001/graphql")',
    );
    expect(base).toContain('REVIEWS @join__graph(name: "reviews"');
  });

  it('finds no breaking change in an additive change', () => {
    const added = composeSupergraph([
      accounts,
      reviews('body: String!, stars: Int!, title: String'),
    ]);
    expect(breakingChanges(base, added, [])).toEqual({ unallowed: [], allowed: [] });
  });

  it('catches a removed field as breaking', () => {
    const removed = composeSupergraph([accounts, reviews('body: String!')]);
    expect(breakingChanges(base, removed, []).unallowed).toEqual(['Review.stars was removed.']);
  });

  it('catches a field whose type changed incompatibly', () => {
    const changed = composeSupergraph([accounts, reviews('body: String!, stars: String!')]);
    expect(breakingChanges(base, changed, []).unallowed).toEqual([
      'Review.stars changed type from Int! to String!.',
    ]);
  });

  it('lets a breaking change through when it is allowed with a reason', () => {
    const removed = composeSupergraph([accounts, reviews('body: String!')]);
    const allowList = [
      { change: 'Review.stars was removed.', reason: 'stars moved to ratings; no client read it' },
    ];
    expect(breakingChanges(base, removed, allowList)).toEqual({
      unallowed: [],
      allowed: allowList,
    });
  });

  it('fails composition with COMPOSITION_FAILED naming the conflict', () => {
    const conflicting = {
      name: 'profiles',
      url: 'http://127.0.0.1:5003/graphql',
      sdl: `${federation}
        type Query { me: String }`,
    };
    expect(() => composeSupergraph([accounts, conflicting])).toThrow(
      expect.objectContaining({
        code: 'COMPOSITION_FAILED',
        message: expect.stringContaining('Query.me'),
      }),
    );
  });
});
