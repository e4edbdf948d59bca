import { describe, expect, it } from '@jest/globals';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { rootFieldExecutions, rootFieldKeys, rootFieldNames } from '../src/plugins/rootFields.ts';

function operationOf(source: string) {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operation === undefined) throw new Error('no operation');
  return { operation, document };
}

function rootFieldsOf(source: string): string[] {
  const { operation, document } = operationOf(source);
  return [...rootFieldNames(operation, document)].sort();
}

function executionsOf(source: string): Record<string, number> {
  const { operation, document } = operationOf(source);
  return Object.fromEntries(rootFieldExecutions(operation, document));
}

describe('root field names', () => {
  it('reads fields, aliases by their real names', () => {
    expect(rootFieldsOf('mutation { token: logIn(input: {}) { accessToken } }')).toEqual(['logIn']);
  });

  it('looks through inline fragments and named fragments, even nested ones', () => {
    const source = `
      query { ...A ... on Query { me { id } } }
      fragment A on Query { expenses { totalCount } ...B }
      fragment B on Query { __typename }`;
    expect(rootFieldsOf(source)).toEqual(['__typename', 'expenses', 'me']);
  });

  it('does not loop on a fragment that spreads itself', () => {
    expect(rootFieldsOf('query { ...A } fragment A on Query { me { id } ...A }')).toEqual(['me']);
  });
});

describe('root field executions', () => {
  it('counts every alias of a field: ten aliased signUps run ten times', () => {
    const fields = Array.from(
      { length: 10 },
      (_, index) => `a${index}: signUp(input: $input) { accessToken }`,
    ).join(' ');
    expect(executionsOf(`mutation ($input: SignUpInput!) { ${fields} }`)).toEqual({ signUp: 10 });
  });

  it('counts a response key once however often fragments repeat it, and aliases inside them', () => {
    const source = `
      query { me { id } ...A ... on Query { me { id } other: me { id } } }
      fragment A on Query { me { id } third: me { id } expenses { totalCount } }`;
    expect(executionsOf(source)).toEqual({ me: 3, expenses: 1 });
  });
});

describe('root field keys', () => {
  it('answers where each field is found in the result: its aliases, through named fragments', () => {
    const { operation, document } = operationOf(`
      mutation ($token: String!) { ...Leave logOut(refreshToken: $token) }
      fragment Leave on Mutation { goodbye: logOut(refreshToken: $token) logOutEverywhere }`);
    expect(Object.fromEntries(rootFieldKeys(operation, document))).toEqual({
      logOut: ['goodbye', 'logOut'],
      logOutEverywhere: ['logOutEverywhere'],
    });
  });
});
