import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import { describe, expect, it } from '@jest/globals';
import {
  getVariableValues,
  parse,
  validate,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { playgroundPage, playgroundTabs, type PlaygroundTab } from '../src/http/playground.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The schema clients see: the composed supergraph without its federation machinery. */
function apiSchema(): GraphQLSchema {
  const sdl = readFileSync(path.join(repoRoot, 'schema', 'supergraph.graphql'), 'utf8');
  return Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
}

/** The tabs as the browser gets them: the JSON embedded in the page. */
function tabsInPage(html: string): PlaygroundTab[] {
  const match = /<script id="cashtrack-operations" type="application\/json">(.*?)<\/script>/s.exec(
    html,
  );
  if (match?.[1] === undefined) throw new Error('the page embeds no operations');
  return JSON.parse(match[1]) as PlaygroundTab[];
}

describe('the playground', () => {
  const html = playgroundPage('/graphql');
  const schema = apiSchema();

  it('opens on the flow, one named operation a tab, not GraphiQL’s welcome text', () => {
    const tabs = tabsInPage(html);
    expect(tabs).toEqual(playgroundTabs);
    const names = tabs.map((tab) => {
      const [operation] = parse(tab.query).definitions as OperationDefinitionNode[];
      return `${operation?.operation} ${operation?.name?.value}`;
    });
    expect(names).toEqual([
      'mutation SignUp',
      'mutation LogIn',
      'mutation LogExpense',
      'query Expenses',
      'subscription ExpenseChanged',
    ]);
    expect(html).toContain('defaultTabs');
    expect(html).not.toContain('Welcome to GraphiQL');
  });

  for (const tab of playgroundTabs) {
    const heading = tab.query.split('\n').find((line) => !line.startsWith('#')) ?? tab.query;
    it(`${heading} is valid against the supergraph, with variables that fit`, () => {
      const document = parse(tab.query);
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      const operation = document.definitions[0] as OperationDefinitionNode;
      const coerced = getVariableValues(
        schema,
        operation.variableDefinitions ?? [],
        JSON.parse(tab.variables) as Record<string, unknown>,
      );
      expect(coerced.errors?.map((error) => error.message)).toBeUndefined();
    });
  }

  it('uses the signed-up session as the token of what follows', () => {
    expect(html).toContain('data.signUp || data.logIn || data.refreshSession');
  });
});
