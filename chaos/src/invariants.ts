import type {
  ExpenseValues,
  FaultRecord,
  HeardChange,
  ObservedExpense,
  ObservedUser,
  OperationRecord,
  SubscriberLog,
} from './ledger.ts';

/** Every figure that must be 0 after a chaos run, in the order they are printed. */
export const invariantNames = [
  'expensesLost',
  'writesLost',
  'messagesUnprocessed',
  'duplicated',
  'totalsMismatched',
  'versionsOutOfOrder',
  'changesMissed',
  'changesHeardTwice',
  'deadLetters',
  'faultsNotRecovered',
] as const;
export type InvariantName = (typeof invariantNames)[number];

export type InvariantCounts = { readonly [K in InvariantName]: number };

export interface ChaosEvidence {
  readonly operations: readonly OperationRecord[];
  readonly subscribers: readonly SubscriberLog[];
  readonly observed: readonly ObservedUser[];
  readonly deadLetters: number;
  readonly faults: readonly FaultRecord[];
}

export interface ChaosVerdict {
  readonly counts: InvariantCounts;
  readonly operationsAcknowledged: number;
  readonly operationsFailed: number;
  readonly faultsInjected: number;
  /** The longest time from a kill to the end of the first acknowledged write (of any user) started after it, in ms. */
  readonly maxFaultToAckMs: number | null;
  /** One line per broken invariant instance, the first few of each kind, for the report. */
  readonly details: readonly string[];
}

const maxDetailsPerInvariant = 5;

/** Judges a run: pure, so each rule is unit-tested on hand-made evidence. */
export function checkInvariants(evidence: ChaosEvidence): ChaosVerdict {
  const counts: Record<InvariantName, number> = Object.fromEntries(
    invariantNames.map((name) => [name, 0]),
  ) as Record<InvariantName, number>;
  const detailCounts = new Map<InvariantName, number>();
  const details: string[] = [];
  const broken = (name: InvariantName, detail: string, amount = 1): void => {
    counts[name] += amount;
    const shown = detailCounts.get(name) ?? 0;
    if (shown < maxDetailsPerInvariant) details.push(`${name}: ${detail}`);
    detailCounts.set(name, shown + 1);
  };

  const byUser = new Map<string, OperationRecord[]>();
  for (const record of evidence.operations) {
    const list = byUser.get(record.userId) ?? [];
    list.push(record);
    byUser.set(record.userId, list);
  }
  const subscriberOf = new Map(evidence.subscribers.map((log) => [log.userId, log]));
  for (const observed of evidence.observed) {
    const operations = byUser.get(observed.userId) ?? [];
    const subscriber = subscriberOf.get(observed.userId);
    checkExpenses(observed, operations, subscriber, broken);
    checkTotals(observed, broken);
    if (subscriber !== undefined) checkSubscriber(subscriber, observed, operations, broken);
  }

  if (evidence.deadLetters > 0)
    broken('deadLetters', `${evidence.deadLetters} dead letters`, evidence.deadLetters);
  const recovery = faultRecovery(evidence.faults, evidence.operations);
  for (const fault of evidence.faults)
    if (fault.readyAt === undefined)
      broken('faultsNotRecovered', `${fault.target} killed at ${fault.killedAt}: ${fault.error}`);
    else if (recovery.unanswered.includes(fault))
      broken(
        'faultsNotRecovered',
        `${fault.target} killed at ${fault.killedAt}: no write was acknowledged after it`,
      );

  return {
    counts,
    operationsAcknowledged: evidence.operations.filter((record) => record.acknowledged).length,
    operationsFailed: evidence.operations.filter((record) => !record.acknowledged).length,
    faultsInjected: evidence.faults.length,
    maxFaultToAckMs: recovery.longestMs,
    details,
  };
}

/** True when every invariant holds. */
export function allHold(verdict: ChaosVerdict): boolean {
  return invariantNames.every((name) => verdict.counts[name] === 0);
}

type Broken = (name: InvariantName, detail: string, amount?: number) => void;

/** What the acknowledged writes say about one expense once they are all applied. */
interface ExpectedExpense {
  readonly id: string;
  /** 'maybe' after a delete whose outcome is unknown. */
  exists: 'yes' | 'no' | 'maybe';
  /** Values it may have: an update with an unknown outcome adds a candidate; null: unknown. */
  candidates: ExpenseValues[] | null;
  /** The version the last acknowledged write answered, while no unknown outcome follows it. */
  exactVersion: number | undefined;
  /** The highest version any acknowledged write answered. */
  acknowledgedVersion: number;
}

function checkExpenses(
  observed: ObservedUser,
  operations: readonly OperationRecord[],
  subscriber: SubscriberLog | undefined,
  broken: Broken,
): void {
  const user = observed.userId.slice(0, 8);
  const present = new Map(observed.expenses.map((expense) => [expense.id, expense]));
  const expected = new Map<string, ExpectedExpense>();
  const track = (id: string, candidates: ExpenseValues[] | null, version: number) => {
    const entry: ExpectedExpense = {
      id,
      exists: 'yes',
      candidates,
      exactVersion: version,
      acknowledgedVersion: version,
    };
    expected.set(id, entry);
    return entry;
  };

  // Every id known to have come from each message: heard, replayed or listed.
  const idsOfMessage = new Map<string, Set<string>>();
  const noteMessageExpense = (messageId: string | null, expenseId: string | null) => {
    if (messageId === null || expenseId === null) return;
    const ids = idsOfMessage.get(messageId) ?? new Set<string>();
    ids.add(expenseId);
    idsOfMessage.set(messageId, ids);
  };
  for (const change of [...(subscriber?.heard ?? []), ...observed.replay])
    if (change.kind === 'ADDED') noteMessageExpense(change.messageId, change.expenseId);
  for (const expense of observed.expenses) noteMessageExpense(expense.messageId, expense.id);

  const unknownAddTags = new Set<string>();
  const acknowledgedAddTags = new Map<string, string>();
  const unknownMessageTexts = new Map<string, number>();
  const acknowledgedMessages = new Set<string>();

  for (const record of operations) {
    const { operation } = record;
    switch (operation.kind) {
      case 'logExpense': {
        if (!record.acknowledged || operation.messageId === undefined) {
          unknownMessageTexts.set(operation.text, operation.expectedExpenses);
          break;
        }
        acknowledgedMessages.add(operation.messageId);
        const ids = [...(idsOfMessage.get(operation.messageId) ?? [])];
        if (ids.length > operation.expectedExpenses)
          broken(
            'duplicated',
            `${user}: message ${operation.messageId} made ${ids.length} expenses, expected ${operation.expectedExpenses}`,
            ids.length - operation.expectedExpenses,
          );
        if (ids.length < operation.expectedExpenses)
          broken(
            'expensesLost',
            `${user}: message ${operation.messageId} made ${ids.length} of ${operation.expectedExpenses} expenses`,
            operation.expectedExpenses - ids.length,
          );
        for (const id of ids) track(id, null, 1);
        const message = observed.messages.get(operation.messageId);
        const settled = operation.expectedExpenses > 0 ? 'PARSED' : 'REJECTED';
        if (message?.status !== settled)
          broken(
            'messagesUnprocessed',
            `${user}: message ${operation.messageId} (acknowledged ${new Date(record.endedAt).toISOString()} after ${record.endedAt - record.startedAt} ms) is ${message?.status ?? 'missing'}, expected ${settled}`,
          );
        break;
      }
      case 'addExpense': {
        if (!record.acknowledged || operation.expenseId === undefined) {
          unknownAddTags.add(operation.tag);
          break;
        }
        acknowledgedAddTags.set(operation.tag, operation.expenseId);
        track(operation.expenseId, [operation.values], operation.version ?? 1);
        break;
      }
      case 'updateExpense': {
        const entry = expected.get(operation.expenseId);
        if (entry === undefined) break;
        if (record.acknowledged) {
          const version = operation.version ?? entry.acknowledgedVersion + 1;
          if (version <= entry.acknowledgedVersion)
            broken(
              'versionsOutOfOrder',
              `${user}: update of ${operation.expenseId} answered version ${version} after ${entry.acknowledgedVersion}`,
            );
          entry.exists = 'yes';
          entry.candidates = [operation.values];
          entry.exactVersion = version;
          entry.acknowledgedVersion = Math.max(entry.acknowledgedVersion, version);
        } else {
          entry.candidates =
            entry.candidates === null ? null : [...entry.candidates, operation.values];
          entry.exactVersion = undefined;
        }
        break;
      }
      case 'deleteExpense': {
        const entry = expected.get(operation.expenseId);
        if (entry === undefined) break;
        entry.exists = record.acknowledged ? 'no' : 'maybe';
        entry.exactVersion = undefined;
        break;
      }
    }
  }

  for (const entry of expected.values()) {
    const found = present.get(entry.id);
    if (entry.exists === 'yes' && found === undefined) {
      broken('expensesLost', `${user}: expense ${entry.id} acknowledged but absent`);
      continue;
    }
    if (entry.exists === 'no' && found !== undefined) {
      broken('writesLost', `${user}: expense ${entry.id} deleted (acknowledged) but present`);
      continue;
    }
    if (found === undefined) continue;
    if (entry.candidates !== null && !entry.candidates.some((values) => sameValues(values, found)))
      broken(
        'writesLost',
        `${user}: expense ${entry.id} is ${describeValues(found)}, acknowledged ${entry.candidates.map(describeValues).join(' or ')}`,
      );
    if (
      found.version < entry.acknowledgedVersion ||
      (entry.exactVersion !== undefined && found.version !== entry.exactVersion)
    )
      broken(
        'versionsOutOfOrder',
        `${user}: expense ${entry.id} is at version ${found.version}, acknowledged ${entry.exactVersion ?? `≥ ${entry.acknowledgedVersion}`}`,
      );
  }

  // Expenses nobody acknowledged: an add or a message whose answer was lost may show up once.
  const usedAddTags = new Set<string>();
  const unknownMessagesSeen = new Map<string, Set<string>>();
  for (const expense of observed.expenses) {
    if (expected.has(expense.id)) continue;
    if (expense.source === 'MANUAL') {
      const tag = tagIn(expense.description);
      if (tag !== undefined && unknownAddTags.has(tag) && !usedAddTags.has(tag)) {
        usedAddTags.add(tag);
        continue;
      }
      broken(
        'duplicated',
        `${user}: manual expense ${expense.id} (${expense.description}) matches no write${tag !== undefined && acknowledgedAddTags.has(tag) ? ` (a second copy of ${acknowledgedAddTags.get(tag)})` : ''}`,
      );
      continue;
    }
    if (expense.messageId !== null && acknowledgedMessages.has(expense.messageId)) continue;
    const text =
      expense.messageId === null ? undefined : observed.messages.get(expense.messageId)?.text;
    if (text === undefined || !unknownMessageTexts.has(text)) {
      broken(
        'duplicated',
        `${user}: expense ${expense.id} from message ${expense.messageId} matches no write`,
      );
      continue;
    }
    // One submission of a text is explained; a second message with the same text is not.
    const messages = unknownMessagesSeen.get(text) ?? new Set<string>();
    messages.add(expense.messageId ?? '');
    unknownMessagesSeen.set(text, messages);
    if (messages.size > 1)
      broken('duplicated', `${user}: text "${text}" became a second message ${expense.messageId}`);
  }
}

function checkTotals(observed: ObservedUser, broken: Broken): void {
  const user = observed.userId.slice(0, 8);
  for (const summary of observed.summaries) {
    const inRange = observed.expenses.filter(
      (expense) => expense.occurredOn >= summary.from && expense.occurredOn <= summary.to,
    );
    const sum = (list: readonly ObservedExpense[]) =>
      list.reduce((total, expense) => total + expense.amountMinor, 0);
    if (summary.totalMinor !== sum(inRange) || summary.count !== inRange.length)
      broken(
        'totalsMismatched',
        `${user}: ${summary.groupBy} total ${summary.totalMinor} (${summary.count}) but expenses add up to ${sum(inRange)} (${inRange.length})`,
      );
    const keyOf = (expense: ObservedExpense): string => {
      switch (summary.groupBy) {
        case 'CATEGORY':
          return expense.category;
        case 'DAY':
          return expense.occurredOn;
        case 'MONTH':
          return expense.occurredOn.slice(0, 7);
      }
    };
    const expectedGroups = new Map<string, ObservedExpense[]>();
    for (const expense of inRange) {
      const list = expectedGroups.get(keyOf(expense)) ?? [];
      list.push(expense);
      expectedGroups.set(keyOf(expense), list);
    }
    const groups = new Map(summary.groups.map((group) => [group.key, group]));
    for (const key of new Set([...expectedGroups.keys(), ...groups.keys()])) {
      const list = expectedGroups.get(key) ?? [];
      const group = groups.get(key);
      if (group?.totalMinor !== sum(list) || group.count !== list.length)
        broken(
          'totalsMismatched',
          `${user}: ${summary.groupBy} group ${key} is ${group?.totalMinor ?? 'absent'} (${group?.count ?? 0}) but its expenses add up to ${sum(list)} (${list.length})`,
        );
    }
  }
}

function checkSubscriber(
  subscriber: SubscriberLog,
  observed: ObservedUser,
  operations: readonly OperationRecord[],
  broken: Broken,
): void {
  const user = observed.userId.slice(0, 8);
  countRepeats(subscriber.heard, `${user} live`, broken);
  countRepeats(observed.replay, `${user} replay`, broken);
  checkVersionOrder(subscriber.heard, `${user} live`, broken);
  checkVersionOrder(observed.replay, `${user} replay`, broken);

  const heardCursors = new Set(subscriber.heard.map((change) => change.cursor));
  for (const change of observed.replay)
    if (!heardCursors.has(change.cursor))
      broken(
        'changesMissed',
        `${user}: ${change.kind} ${change.expenseId ?? change.messageId} (${change.cursor}) replayed but never heard live`,
      );

  // Every acknowledged write after the warm-up is a change the subscriber must have heard.
  const heard = new Set(subscriber.heard.map(identity));
  const heardAdded = new Set(
    subscriber.heard.filter((change) => change.kind === 'ADDED').map((change) => change.expenseId),
  );
  const heardOfMessage = new Set(
    subscriber.heard
      .filter((change) => change.messageId !== null)
      .map((change) => change.messageId),
  );
  for (const record of operations) {
    if (!record.acknowledged || record.warmUp === true) continue;
    const { operation } = record;
    let missing: string | undefined;
    switch (operation.kind) {
      case 'logExpense':
        if (operation.messageId !== undefined && !heardOfMessage.has(operation.messageId))
          missing = `message ${operation.messageId}`;
        break;
      case 'addExpense':
        if (operation.expenseId !== undefined && !heardAdded.has(operation.expenseId))
          missing = `ADDED ${operation.expenseId}`;
        break;
      case 'updateExpense':
        if (
          operation.version !== undefined &&
          !heard.has(
            identity({
              kind: 'UPDATED',
              expenseId: operation.expenseId,
              version: operation.version,
            }),
          )
        )
          missing = `UPDATED ${operation.expenseId} v${operation.version}`;
        break;
      case 'deleteExpense':
        if (
          !subscriber.heard.some((c) => c.kind === 'DELETED' && c.expenseId === operation.expenseId)
        )
          missing = `DELETED ${operation.expenseId}`;
        break;
    }
    if (missing !== undefined)
      broken('changesMissed', `${user}: acknowledged ${missing} never heard`);
  }
}

/** The same change twice: the same cursor, or the same expense version under two cursors. */
function countRepeats(changes: readonly HeardChange[], label: string, broken: Broken): void {
  const cursors = new Set<string>();
  const identities = new Set<string>();
  for (const change of changes) {
    const key = identity(change);
    if (cursors.has(change.cursor) || identities.has(key))
      broken('changesHeardTwice', `${label}: ${change.kind} ${key} (${change.cursor}) twice`);
    cursors.add(change.cursor);
    identities.add(key);
  }
}

/** Per expense, versions heard must rise: ADDED 1, UPDATED 2, 3…, DELETED not below the last. */
function checkVersionOrder(changes: readonly HeardChange[], label: string, broken: Broken): void {
  const last = new Map<string, number>();
  for (const change of changes) {
    if (change.expenseId === null || change.version === null) continue;
    const before = last.get(change.expenseId);
    const inOrder =
      before === undefined ||
      (change.kind === 'DELETED' ? change.version >= before : change.version > before);
    if (!inOrder)
      broken(
        'versionsOutOfOrder',
        `${label}: ${change.kind} ${change.expenseId} v${change.version} after v${before}`,
      );
    last.set(change.expenseId, Math.max(before ?? 0, change.version));
  }
}

function identity(
  change: Pick<HeardChange, 'kind' | 'expenseId' | 'version'> & {
    readonly messageId?: string | null;
  },
): string {
  return change.kind === 'REJECTED'
    ? `REJECTED:${change.messageId ?? ''}`
    : `${change.kind}:${change.expenseId ?? ''}:${change.version ?? ''}`;
}

/** Per fault, the time to the next acknowledged write of any user; the longest one wins. */
function faultRecovery(
  faults: readonly FaultRecord[],
  operations: readonly OperationRecord[],
): { readonly longestMs: number | null; readonly unanswered: readonly FaultRecord[] } {
  const acknowledged = operations.filter((record) => record.acknowledged);
  let longestMs: number | null = null;
  const unanswered: FaultRecord[] = [];
  for (const fault of faults) {
    // A write already under way when the process died proves nothing about recovery: count
    // from the first acknowledged write started after the kill.
    const next = acknowledged
      .filter((record) => record.startedAt >= fault.killedAt)
      .reduce<number | undefined>(
        (first, record) => Math.min(first ?? Infinity, record.endedAt),
        undefined,
      );
    if (next === undefined) unanswered.push(fault);
    else longestMs = Math.max(longestMs ?? 0, next - fault.killedAt);
  }
  return { longestMs, unanswered };
}

function sameValues(a: ExpenseValues, b: ExpenseValues): boolean {
  return (
    a.amountMinor === b.amountMinor &&
    a.category === b.category &&
    a.description === b.description &&
    a.occurredOn === b.occurredOn
  );
}

function describeValues(values: ExpenseValues): string {
  return `${values.amountMinor} ${values.category} "${values.description}" ${values.occurredOn}`;
}

/** The run-unique tag the workload puts in a manual expense's description (see workload.ts). */
export function tagIn(description: string): string | undefined {
  return /\bzq[a-z]+\b/.exec(description)?.[0];
}
