import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { operationLimitRules } from '../src/limits/operationLimits.ts';

const schema = buildSchema(`
  type Expense { id: ID!, description: String, user: User }
  type User { id: ID!, expenses: [Expense!]! }
  type Query { me: User, expense(id: ID!): Expense }
`);

const rules = operationLimitRules({
  maxDepth: 4,
  maxAliases: 2,
  maxCost: 50,
  maxTokens: 1000,
  maxDirectives: 3,
  maxRepresentations: 10,
});

function codesOf(query: string): unknown[] {
  return validate(schema, parse(query), [...specifiedRules, ...rules]).map(
    (error) => error.extensions.code,
  );
}

describe('operation limits', () => {
  it('accepts an ordinary query', () => {
    expect(codesOf('{ me { id expenses { id description } } }')).toEqual([]);
  });

  it('refuses a query nested deeper than allowed with QUERY_TOO_DEEP', () => {
    expect(codesOf('{ me { expenses { user { expenses { user { id } } } } } }')).toContain(
      'QUERY_TOO_DEEP',
    );
  });

  it('refuses too many aliases with TOO_MANY_ALIASES', () => {
    expect(codesOf('{ a: me { id } b: me { id } c: me { id } }')).toContain('TOO_MANY_ALIASES');
  });

  it('refuses an expensive query with QUERY_TOO_COSTLY', () => {
    const wide = Array.from(
      { length: 20 },
      (_, index) => `f${index}: expense(id: "${index}") { id }`,
    ).join(' ');
    const limits = operationLimitRules({
      maxDepth: 10,
      maxAliases: 100,
      maxCost: 50,
      maxTokens: 1000,
      maxDirectives: 3,
      maxRepresentations: 10,
    });
    const codes = validate(schema, parse(`{ ${wide} }`), [...specifiedRules, ...limits]).map(
      (error) => error.extensions.code,
    );
    expect(codes).toContain('QUERY_TOO_COSTLY');
  });

  it('refuses too many directives with TOO_MANY_DIRECTIVES', () => {
    expect(
      codesOf('{ me @skip(if: false) @skip(if: false) @skip(if: false) @skip(if: false) { id } }'),
    ).toContain('TOO_MANY_DIRECTIVES');
  });
});
