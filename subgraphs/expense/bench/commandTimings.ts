import type {
  CommandFailedEvent,
  CommandStartedEvent,
  CommandSucceededEvent,
  MongoClient,
} from 'mongodb';

/** The round trips of one command on one collection, e.g. `update spendingTotals`. */
export interface CommandPhase {
  /** `<command> <collection>`. */
  readonly phase: string;
  readonly calls: number;
  /**
   * Write statements (documents inserted, update statements) the calls carried: FerretDB 1.24
   * on SQLite commits each update statement on its own, so with `synchronous=FULL` each is an
   * fsync; an insert command is one commit.
   */
  readonly statements: number;
  /** Summed round-trip time; calls overlap when partitions are projected at once. */
  readonly totalMs: number;
}

export interface CommandWindow {
  readonly phases: readonly CommandPhase[];
  /** Wall time with at least one command in flight: the rest is the client's own work. */
  readonly databaseBusyMs: number;
  /** When the first command of the window started (`performance.now()`), if any did. */
  readonly firstStartedAt: number | undefined;
}

export interface CommandTimings {
  /** Starts a new window: what is counted from now until `take`. */
  reset(): void;
  take(): CommandWindow;
}

const writeStatementFields: Readonly<Record<string, string>> = {
  insert: 'documents',
  update: 'updates',
  delete: 'deletes',
};

/**
 * Counts a client's commands by command name and collection through the driver's command
 * monitoring (the client must be created with `monitorCommands: true`): round trips, write
 * statements and their time, so the bench shows where a run spent it, whatever else the
 * machine was doing.
 */
export function timeCommands(client: MongoClient): CommandTimings {
  const inFlight = new Map<number, { phase: string; startedAt: number }>();
  let phases = new Map<string, { calls: number; statements: number; totalMs: number }>();
  let busySince: number | undefined;
  let busyMs = 0;
  let firstStartedAt: number | undefined;

  client.on('commandStarted', (event: CommandStartedEvent) => {
    const command = event.command as Record<string, unknown>;
    const target = command[event.commandName];
    const phase = `${event.commandName} ${typeof target === 'string' ? target : '-'}`;
    const field = writeStatementFields[event.commandName];
    const carried = field === undefined ? undefined : command[field];
    const entry = phases.get(phase) ?? { calls: 0, statements: 0, totalMs: 0 };
    entry.calls += 1;
    entry.statements += Array.isArray(carried) ? carried.length : 0;
    phases.set(phase, entry);
    const now = performance.now();
    firstStartedAt ??= now;
    if (inFlight.size === 0) busySince = now;
    inFlight.set(event.requestId, { phase, startedAt: now });
  });
  const finished = (event: CommandSucceededEvent | CommandFailedEvent): void => {
    const started = inFlight.get(event.requestId);
    if (started === undefined) return;
    inFlight.delete(event.requestId);
    const now = performance.now();
    const entry = phases.get(started.phase);
    if (entry !== undefined) entry.totalMs += now - started.startedAt;
    if (inFlight.size === 0 && busySince !== undefined) {
      busyMs += now - busySince;
      busySince = undefined;
    }
  };
  client.on('commandSucceeded', finished);
  client.on('commandFailed', finished);

  return {
    reset() {
      phases = new Map();
      busyMs = 0;
      busySince = inFlight.size > 0 ? performance.now() : undefined;
      firstStartedAt = undefined;
    },
    take() {
      const now = performance.now();
      const openMs = busySince === undefined ? 0 : now - busySince;
      return {
        phases: [...phases].map(([phase, entry]) => ({ phase, ...entry })),
        databaseBusyMs: busyMs + openMs,
        firstStartedAt,
      };
    },
  };
}
