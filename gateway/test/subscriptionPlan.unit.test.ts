import { describe, expect, it } from '@jest/globals';
import { getOperationAST, parse, print } from 'graphql';
import { planSubscription } from '../src/subscriptions/subscriptionRoutes.ts';

function plan(source: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const document = parse(source);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation');
  return planSubscription(document, operation, variables);
}

describe('planning a subscription', () => {
  it('streams cursors from the owning subgraph and resolves the selection as a query per cursor', () => {
    const planned = plan(
      `subscription Changes($after: String) {
         changes: expenseChanged(after: $after) { kind expense { amount { amount } user { displayName } } ...Extra }
       }
       fragment Extra on ExpenseChange { cursor }`,
      { after: 'c-41' },
    );
    expect(planned.route.subgraph).toBe('expense');
    expect(planned.upstream).toEqual({
      query: 'subscription ($after: String) { expenseChanged(after: $after) { cursor } }',
      variables: { after: 'c-41' },
    });
    expect(print(planned.followUp)).toBe(
      print(
        parse(`query Changes($cashtrackSubscriptionCursor: String!) {
          changes: expenseChange(cursor: $cashtrackSubscriptionCursor) {
            kind expense { amount { amount } user { displayName } } ...Extra
          }
        }
        fragment Extra on ExpenseChange { cursor }`),
      ),
    );
    expect(planned.followUpVariables('c-42')).toEqual({
      after: 'c-41',
      cashtrackSubscriptionCursor: 'c-42',
    });
  });

  it('keeps the field name as the response key when there is no alias, and reads a literal cursor', () => {
    const planned = plan('subscription { expenseChanged(after: "c-7") { kind } }');
    expect(planned.upstream.variables).toEqual({ after: 'c-7' });
    expect(print(planned.followUp)).toContain(
      'expenseChanged: expenseChange(cursor: $cashtrackSubscriptionCursor)',
    );
  });

  it('starts from now without a cursor', () => {
    expect(plan('subscription { expenseChanged { kind } }').upstream.variables).toEqual({
      after: null,
    });
  });

  it('drops the document’s other operations from the follow-up', () => {
    const planned = plan(
      'subscription A { expenseChanged { kind } } query B { me { id } }',
      {},
      'A',
    );
    expect(print(planned.followUp)).not.toContain('query B');
  });

  it.each([
    ['two fields', 'subscription { expenseChanged { kind } other: expenseChanged { kind } }'],
    ['an unknown field', 'subscription { somethingElse { id } }'],
    [
      'a fragment at the root',
      'subscription { ...F } fragment F on Subscription { expenseChanged { kind } }',
    ],
  ])('refuses %s with BAD_SUBSCRIPTION', (_label, source) => {
    expect(() => plan(source)).toThrow(expect.objectContaining({ code: 'BAD_SUBSCRIPTION' }));
  });
});
