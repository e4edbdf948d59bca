import { Kafka, logLevel } from 'kafkajs';
import type { GatewayClient } from './gatewayClient.ts';
import type {
  ObservedExpense,
  ObservedMessage,
  ObservedSummary,
  ObservedUser,
  OperationRecord,
  SubscriberLog,
} from './ledger.ts';
import type { ChaosUser } from './sessions.ts';
import { replayAfter } from './subscriber.ts';

/** Read failures while observing are errors, not findings: the caller retries the observation. */
function need<Data>(answer: Awaited<ReturnType<GatewayClient['request']>>, what: string): Data {
  if (!answer.ok) throw new Error(`${what}: ${answer.code} ${answer.message}`);
  return answer.data as Data;
}

interface ExpenseNode {
  readonly id: string;
  readonly version: number;
  readonly amount: { readonly amountMinor: number };
  readonly category: string;
  readonly description: string;
  readonly occurredOn: string;
  readonly source: 'MESSAGE' | 'MANUAL';
  readonly messageId: string | null;
}

async function listExpenses(client: GatewayClient, user: ChaosUser): Promise<ObservedExpense[]> {
  const expenses: ObservedExpense[] = [];
  let after: string | null = null;
  for (;;) {
    const page: {
      expenses: {
        edges: { node: ExpenseNode }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    } = need(
      await client.request(
        `query ($after: String) { expenses(first: 40, after: $after) {
          edges { node { id version amount { amountMinor } category description occurredOn source messageId } }
          pageInfo { hasNextPage endCursor } } }`,
        { after },
        user.accessToken,
      ),
      'expenses',
    );
    for (const { node } of page.expenses.edges)
      expenses.push({
        id: node.id,
        version: node.version,
        amountMinor: node.amount.amountMinor,
        category: node.category,
        description: node.description,
        occurredOn: node.occurredOn,
        source: node.source,
        messageId: node.messageId,
      });
    if (!page.expenses.pageInfo.hasNextPage || page.expenses.pageInfo.endCursor === null)
      return expenses;
    after = page.expenses.pageInfo.endCursor;
  }
}

/** The gateway allows 15 aliases per operation. */
const messagesPerRequest = 15;

async function readMessages(
  client: GatewayClient,
  user: ChaosUser,
  ids: readonly string[],
): Promise<Map<string, ObservedMessage>> {
  const messages = new Map<string, ObservedMessage>();
  for (let start = 0; start < ids.length; start += messagesPerRequest) {
    const batch = ids.slice(start, start + messagesPerRequest);
    const query = `query (${batch.map((_, i) => `$m${i}: ID!`).join(', ')}) { ${batch
      .map((_, i) => `m${i}: expenseMessage(id: $m${i}) { id text status }`)
      .join(' ')} }`;
    const variables = Object.fromEntries(batch.map((id, i) => [`m${i}`, id]));
    const answer = await client.request<Record<string, ObservedMessage | null>>(
      query,
      variables,
      user.accessToken,
    );
    if (!answer.ok && answer.code === 'NOT_FOUND') {
      // A message that does not exist is a finding, not a failed observation: read the batch
      // one by one and leave the missing ones out (the checks then report them).
      for (const id of batch) {
        const one = await client.request<{ expenseMessage: ObservedMessage | null }>(
          `query ($id: ID!) { expenseMessage(id: $id) { id text status } }`,
          { id },
          user.accessToken,
        );
        if (one.ok && one.data.expenseMessage !== null) messages.set(id, one.data.expenseMessage);
        else if (!one.ok && one.code !== 'NOT_FOUND')
          throw new Error(`expenseMessage: ${one.code} ${one.message}`);
      }
      continue;
    }
    const data: Record<string, ObservedMessage | null> = need(answer, 'expenseMessage');
    for (const message of Object.values(data))
      if (message !== null) messages.set(message.id, message);
  }
  return messages;
}

async function readSummaries(
  client: GatewayClient,
  user: ChaosUser,
  from: string,
  to: string,
): Promise<ObservedSummary[]> {
  const groupings = ['CATEGORY', 'DAY', 'MONTH'] as const;
  const data: Record<
    string,
    {
      total: { amountMinor: number };
      count: number;
      groups: { key: string; total: { amountMinor: number }; count: number }[];
    }
  > = need(
    await client.request(
      `query ($from: String!, $to: String!) { ${groupings
        .map(
          (groupBy) =>
            `${groupBy}: spendingSummary(from: $from, to: $to, groupBy: ${groupBy}, currency: "USD") {
              total { amountMinor } count groups { key total { amountMinor } count } }`,
        )
        .join(' ')} }`,
      { from, to },
      user.accessToken,
    ),
    'spendingSummary',
  );
  return groupings.flatMap((groupBy) => {
    const summary = data[groupBy];
    if (summary === undefined) return [];
    return [
      {
        groupBy,
        from,
        to,
        totalMinor: summary.total.amountMinor,
        count: summary.count,
        groups: summary.groups.map((group) => ({
          key: group.key,
          totalMinor: group.total.amountMinor,
          count: group.count,
        })),
      },
    ];
  });
}

export interface ObserveOptions {
  readonly client: GatewayClient;
  readonly graphqlUrl: string;
  /** Summaries are asked for this range; the workload writes within it. */
  readonly from: string;
  readonly to: string;
}

/** One user's state through the gateway, as the checks need it. */
export async function observeUser(
  options: ObserveOptions,
  user: ChaosUser,
  operations: readonly OperationRecord[],
  subscriber: SubscriberLog | undefined,
): Promise<ObservedUser> {
  const expenses = await listExpenses(options.client, user);
  const messageIds = new Set<string>();
  for (const record of operations)
    if (record.operation.kind === 'logExpense' && record.operation.messageId !== undefined)
      messageIds.add(record.operation.messageId);
  for (const expense of expenses) if (expense.messageId !== null) messageIds.add(expense.messageId);
  const messages = await readMessages(options.client, user, [...messageIds]);
  const summaries = await readSummaries(options.client, user, options.from, options.to);
  const replay =
    subscriber?.baseCursor === undefined
      ? []
      : await replayAfter(options.graphqlUrl, user.accessToken, subscriber.baseCursor, {
          quietMs: 1_500,
          timeoutMs: 30_000,
        });
  return { userId: user.userId, expenses, messages, summaries, replay };
}

/** Messages in every `*.dlq` topic of the private broker. */
export async function countDeadLetters(brokers: readonly string[]): Promise<number> {
  const kafka = new Kafka({
    clientId: 'chaos-dead-letters',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.endsWith('.dlq'));
    let count = 0;
    for (const topic of topics)
      for (const partition of await admin.fetchTopicOffsets(topic))
        count += Number(partition.high) - Number(partition.low);
    return count;
  } finally {
    await admin.disconnect();
  }
}
