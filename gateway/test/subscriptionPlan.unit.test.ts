import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Supergraph } from '@apollo/federation-internals';
import { getOperationAST, parse, print } from 'graphql';
import { resolvedAloneBy, type ResolvedAlone } from '../src/subscriptions/resolvedAlone.ts';
import { planSubscription } from '../src/subscriptions/subscriptionRoutes.ts';

function plan(
  source: string,
  variables: Record<string, unknown> = {},
  operationName?: string,
  resolvedAlone?: ResolvedAlone,
) {
  const document = parse(source);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation');
  return planSubscription(document, operation, variables, resolvedAlone);
}

function followUpOf(planned: ReturnType<typeof plan>) {
  if (planned.followUp === undefined) throw new Error('no follow-up planned');
  return planned.followUp;
}

const supergraph = Supergraph.build(
  readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
);
const byPlanner = resolvedAloneBy(supergraph);

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
    expect(print(followUpOf(planned).document)).toBe(
      print(
        parse(`query Changes($cashtrackSubscriptionCursor: String!) {
          changes: expenseChange(cursor: $cashtrackSubscriptionCursor) {
            kind expense { amount { amount } user { displayName } } ...Extra
          }
        }
        fragment Extra on ExpenseChange { cursor }`),
      ),
    );
    expect(followUpOf(planned).variables('c-42')).toEqual({
      after: 'c-41',
      cashtrackSubscriptionCursor: 'c-42',
    });
  });

  it('keeps the field name as the response key when there is no alias, and reads a literal cursor', () => {
    const planned = plan('subscription { expenseChanged(after: "c-7") { kind } }');
    expect(planned.upstream.variables).toEqual({ after: 'c-7' });
    expect(print(followUpOf(planned).document)).toContain(
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
    expect(print(followUpOf(planned).document)).not.toContain('query B');
  });

  it('sends the client’s subscription itself when the owning subgraph resolves all of it', () => {
    const planned = plan(
      `subscription Live($after: String) {
        changes: expenseChanged(after: $after) { kind cursor expense { id amount { amountMinor currency } user { id } } }
      }`,
      { after: 'c-9' },
      undefined,
      byPlanner,
    );
    expect(planned.followUp).toBeUndefined();
    expect(planned.upstream).toEqual({
      // The resume argument is the gateway's own variable, moved on to each cursor heard.
      query: print(
        parse(`subscription Live($cashtrackResumeAfter: String) {
          changes: expenseChanged(after: $cashtrackResumeAfter) { kind cursor expense { id amount { amountMinor currency } user { id } } }
        }`),
      ),
      variables: { after: 'c-9', cashtrackResumeAfter: 'c-9' },
    });
    expect(planned).toMatchObject({
      upstreamField: 'changes',
      resumeVariable: 'cashtrackResumeAfter',
    });
  });

  it('binds a resume argument the client left out, starting from now', () => {
    const planned = plan(
      'subscription { expenseChanged { cursor kind } }',
      {},
      undefined,
      byPlanner,
    );
    expect(planned.followUp).toBeUndefined();
    expect(planned.upstream.query).toContain('expenseChanged(after: $cashtrackResumeAfter)');
    expect(planned.upstream.variables).toEqual({ cashtrackResumeAfter: null });
  });

  it.each([
    ['no cursor, which resuming needs', 'subscription { expenseChanged { kind expenseId } }'],
    [
      'a field of another subgraph',
      'subscription { expenseChanged { kind expense { user { displayName } } } }',
    ],
    [
      'a fragment',
      'subscription { expenseChanged { ...F } } fragment F on ExpenseChange { kind cursor }',
    ],
  ])('follows each cursor up when the selection has %s', (_label, source) => {
    const planned = plan(source, {}, undefined, byPlanner);
    expect(planned.upstream.query).toContain('{ cursor }');
    expect(followUpOf(planned).document).toBeDefined();
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
