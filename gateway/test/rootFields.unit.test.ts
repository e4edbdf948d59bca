import { describe, expect, it } from '@jest/globals';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { rootFieldNames } from '../src/plugins/rootFields.ts';

function rootFieldsOf(source: string): string[] {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operation === undefined) throw new Error('no operation');
  return rootFieldNames(operation, document).sort();
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
