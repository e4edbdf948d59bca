import { setTimeout as delay } from 'node:timers/promises';
import { parseWithRules } from '../../parser/src/rules/rulesExtractor.ts';
import type { GatewayClient, GraphQLOutcome } from './gatewayClient.ts';
import type { ExpenseValues, HeardChange, Operation, OperationRecord } from './ledger.ts';
import type { Random } from './prng.ts';
import { refreshIfDue, type ChaosUser } from './sessions.ts';

const categories = ['groceries', 'dining', 'transport', 'shopping', 'health', 'other'] as const;

/** Texts the rules parser reads; `{tag}` makes each unique, `{a}`/`{b}` are amounts. */
const messageTemplates = [
  'coffee {a} at {tag}',
  'taxi {a} for {tag} trip',
  'Spent ${a} on groceries for {tag} today',
  'uber {a} yesterday + coffee {b} {tag}',
  'lunch {a} with {tag}',
  // No amount: the parser rejects it, so REJECTED changes are exercised too.
  'nothing bought at {tag} today',
] as const;

export interface WorkloadOptions {
  readonly client: GatewayClient;
  readonly random: Random;
  /** Mean pause between one user's writes; each user writes one at a time. */
  readonly meanIntervalMs: number;
  readonly now?: () => number;
}

const expenseFields = 'id version amount { amountMinor } category description occurredOn';

interface AnsweredExpense {
  readonly id: string;
  readonly version: number;
}

/**
 * The users' writes: log, add, update and delete at a steady rate, each recorded with its
 * outcome. A write is never retried: a failed one's outcome is unknown, and a retry would make
 * the duplicate the checks look for. Which expenses a user can still edit comes from the writes'
 * answers and, for parsed messages, from the user's subscriber (`noteHeard`).
 */
export class Workload {
  readonly records: OperationRecord[] = [];
  private readonly editable = new Map<string, Set<string>>();
  private tagCounter = 0;
  private readonly now: () => number;

  constructor(private readonly options: WorkloadOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A change the user's subscriber heard: parsed expenses become editable, deleted ones not. */
  noteHeard(userId: string, change: HeardChange): void {
    if (change.expenseId === null) return;
    const ids = this.editableOf(userId);
    if (change.kind === 'ADDED' && change.messageId !== null) ids.add(change.expenseId);
    if (change.kind === 'DELETED') ids.delete(change.expenseId);
  }

  /** Acknowledged writes so far (the warm-up's included). */
  acknowledgedCount(): number {
    return this.records.filter((record) => record.acknowledged).length;
  }

  /** One manual add, recorded as a warm-up: its change may come before the subscription is live. */
  async warmUp(user: ChaosUser): Promise<boolean> {
    const record = await this.addExpense(user, true);
    return record.acknowledged;
  }

  /** Writes for `user` until `signal` aborts, at the configured mean pace. */
  async run(user: ChaosUser, signal: AbortSignal): Promise<void> {
    const random = this.options.random.fork(`user-${user.index}`);
    while (!signal.aborted) {
      const started = this.now();
      await refreshIfDue(this.options.client, user, started);
      const record = await this.oneWrite(user, random);
      if (!record.acknowledged && record.errorCode === 'UNAUTHENTICATED')
        await refreshIfDue(this.options.client, user, this.now(), true);
      const pause = this.options.meanIntervalMs * (0.5 + random.next()) - (this.now() - started);
      if (pause > 0) await delay(pause, undefined, { signal }).catch(() => undefined);
    }
  }

  private async oneWrite(user: ChaosUser, random: Random): Promise<OperationRecord> {
    const ids = [...this.editableOf(user.userId)];
    const roll = random.next();
    if (ids.length === 0)
      return roll < 0.5 ? this.logExpense(user, random) : this.addExpense(user, false, random);
    if (roll < 0.35) return this.logExpense(user, random);
    if (roll < 0.6) return this.addExpense(user, false, random);
    if (roll < 0.85) return this.updateExpense(user, random.pick(ids), random);
    return this.deleteExpense(user, random.pick(ids));
  }

  private async logExpense(user: ChaosUser, random: Random): Promise<OperationRecord> {
    const template = random.pick(messageTemplates);
    const text = template
      .replace('{tag}', this.nextTag())
      .replace('{a}', amountText(random.int(200, 9_999)))
      .replace('{b}', String(random.int(2, 9)));
    const expectedExpenses = parseWithRules({
      text,
      now: new Date(),
      timezone: 'UTC',
      currency: 'USD',
    }).expenses.length;
    return this.write(
      user,
      { kind: 'logExpense', text, expectedExpenses },
      `mutation ($text: String!) { logExpense(text: $text) { id } }`,
      { text },
      (data: { logExpense: { id: string } }, operation) => ({
        ...operation,
        messageId: data.logExpense.id,
      }),
    );
  }

  private async addExpense(user: ChaosUser, warmUp = false, random?: Random) {
    const tag = this.nextTag();
    const values = randomValues(random ?? this.options.random.fork(tag), `manual ${tag}`);
    const record = await this.write(
      user,
      { kind: 'addExpense', tag, values },
      `mutation ($input: ExpenseInput!) { addExpense(input: $input) { ${expenseFields} } }`,
      { input: expenseInput(values) },
      (data: { addExpense: AnsweredExpense }, operation) => ({
        ...operation,
        expenseId: data.addExpense.id,
        version: data.addExpense.version,
      }),
      warmUp,
    );
    if (record.operation.kind === 'addExpense' && record.operation.expenseId !== undefined)
      this.editableOf(user.userId).add(record.operation.expenseId);
    return record;
  }

  private async updateExpense(user: ChaosUser, expenseId: string, random: Random) {
    const values = randomValues(random, `edited ${this.nextTag()}`);
    return this.write(
      user,
      { kind: 'updateExpense', expenseId, values },
      `mutation ($id: ID!, $input: ExpenseInput!) { updateExpense(id: $id, input: $input) { ${expenseFields} } }`,
      { id: expenseId, input: expenseInput(values) },
      (data: { updateExpense: AnsweredExpense }, operation) => ({
        ...operation,
        version: data.updateExpense.version,
      }),
    );
  }

  private async deleteExpense(user: ChaosUser, expenseId: string) {
    // Deleted or maybe deleted: either way the user stops editing it.
    this.editableOf(user.userId).delete(expenseId);
    return this.write(
      user,
      { kind: 'deleteExpense', expenseId },
      `mutation ($id: ID!) { deleteExpense(id: $id) }`,
      { id: expenseId },
      (_data: { deleteExpense: string }, operation) => operation,
    );
  }

  private async write<Data, Op extends Operation>(
    user: ChaosUser,
    operation: Op,
    query: string,
    variables: Record<string, unknown>,
    withAnswer: (data: Data, operation: Op) => Op,
    warmUp = false,
  ): Promise<OperationRecord> {
    const startedAt = this.now();
    const answer: GraphQLOutcome<Data> = await this.options.client.request<Data>(
      query,
      variables,
      user.accessToken,
    );
    const record: OperationRecord = {
      userId: user.userId,
      startedAt,
      endedAt: this.now(),
      acknowledged: answer.ok,
      ...(answer.ok ? {} : { errorCode: answer.code }),
      ...(warmUp ? { warmUp } : {}),
      operation: answer.ok ? withAnswer(answer.data, operation) : operation,
    };
    this.records.push(record);
    return record;
  }

  private editableOf(userId: string): Set<string> {
    let ids = this.editable.get(userId);
    if (ids === undefined) {
      ids = new Set();
      this.editable.set(userId, ids);
    }
    return ids;
  }

  /** Letters only, so the rules parser keeps it in the description and never reads a number. */
  private nextTag(): string {
    this.tagCounter += 1;
    let n = this.tagCounter;
    let letters = '';
    while (n > 0) {
      letters = String.fromCharCode(97 + (n % 26)) + letters;
      n = Math.floor(n / 26);
    }
    return `zq${letters}`;
  }
}

function amountText(minor: number): string {
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
}

/** Values within the last 40 days, so every summary range is known (see observe.ts). */
function randomValues(random: Random, description: string): ExpenseValues {
  const day = new Date(Date.now() - random.int(0, 40) * 86_400_000).toISOString().slice(0, 10);
  return {
    amountMinor: random.int(100, 49_999),
    category: random.pick(categories),
    description,
    occurredOn: day,
  };
}

function expenseInput(values: ExpenseValues) {
  return {
    amount: amountText(values.amountMinor),
    currency: 'USD',
    category: values.category,
    description: values.description,
    occurredOn: values.occurredOn,
  };
}
