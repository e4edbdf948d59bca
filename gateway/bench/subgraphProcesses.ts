/**
 * The gateway bench's subgraphs, each in a process of its own: the real entry points of auth, user
 * and expense (as `npm start` runs them), on free loopback ports, against the shared Kafka and
 * MongoDB-protocol server with a private topic prefix and databases. Their CPU is then never
 * counted as a gateway's.
 *
 * Each child has an IPC channel, so it stops by itself (platform's `stopWithParent`) if the bench
 * dies; `stop()` sends SIGTERM to each pid it spawned and waits for it to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@cashtrack/platform';
import { freePort } from '../../test-support/freePort.ts';
import type { TestNamespace } from '../../test-support/namespace.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type SubgraphName = 'auth' | 'user' | 'expense';

const entries: Readonly<Record<SubgraphName, { entry: string; variable: string }>> = {
  auth: { entry: 'subgraphs/auth/src/index.ts', variable: 'AUTH' },
  user: { entry: 'subgraphs/user/src/index.ts', variable: 'USER' },
  expense: { entry: 'subgraphs/expense/src/index.ts', variable: 'EXPENSE' },
};

/** Project variables a child must not inherit from the bench's shell: the bench sets its own. */
const projectVariable =
  /^(KAFKA_TOPIC_PREFIX$|AUTH_|USER_|EXPENSE_|PARSER_|GATEWAY_|SUBGRAPH_.*_URLS$|CASHTRACK_)/;

export interface SubgraphProcesses {
  /** Base URL of each subgraph, e.g. http://127.0.0.1:40123. */
  readonly urls: Readonly<Record<SubgraphName, string>>;
  readonly jwksUrl: string;
  /** The private names, for dropping them afterwards. */
  readonly topicPrefix: string;
  readonly databases: readonly string[];
  /** CPU time (user + system) each subgraph process has used so far, in ms; undefined off Linux. */
  cpuMs(): Readonly<Record<SubgraphName, number>> | undefined;
  stop(): Promise<void>;
}

export interface SubgraphProcessOptions {
  /** Private topic prefix (consumer groups too) and database name prefix. */
  readonly namespace: TestNamespace;
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
  /** Write each subgraph's V8 CPU profile of its whole run into `<profileDir>/<name>/` (`--cpu-prof`). */
  readonly profileDir?: string;
}

export async function startSubgraphProcesses(
  options: SubgraphProcessOptions,
): Promise<SubgraphProcesses> {
  const ports: Record<SubgraphName, number> = {
    auth: await freePort(),
    user: await freePort(),
    expense: await freePort(),
  };
  const urls: Record<SubgraphName, string> = {
    auth: `http://127.0.0.1:${ports.auth}`,
    user: `http://127.0.0.1:${ports.user}`,
    expense: `http://127.0.0.1:${ports.expense}`,
  };
  const jwksUrl = `${urls.auth}/.well-known/jwks.json`;
  const { topicPrefix, database } = options.namespace;
  const databases = [`${database}_a`, `${database}_u`, `${database}_e`];
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !projectVariable.test(entry[0]),
    ),
  );
  const environment: Record<string, string> = {
    ...inherited,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    KAFKA_BROKERS: options.kafkaBrokers,
    MONGO_URL: options.mongoUrl,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    AUTH_DATABASE: `${database}_a`,
    USER_DATABASE: `${database}_u`,
    EXPENSE_DATABASE: `${database}_e`,
    AUTH_JWKS_URL: jwksUrl,
    AUTH_PORT: String(ports.auth),
    USER_PORT: String(ports.user),
    EXPENSE_PORT: String(ports.expense),
    // Hundreds of bench people sign up from loopback at the start; their password hashes and
    // the per-address sign-up limit are not what this bench measures.
    AUTH_SCRYPT_LOG2_COST: '10',
    AUTH_SIGNUP_FREE_PER_ADDRESS: '1000000',
  };

  const children = new Map<SubgraphName, ChildProcess>();
  const stop = async (): Promise<void> => {
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  const startOne = async (name: SubgraphName): Promise<void> => {
    const profiling =
      options.profileDir === undefined
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${path.join(options.profileDir, name)}`];
    const child = spawn(process.execPath, [...profiling, '--import', 'tsx', entries[name].entry], {
      cwd: repoRoot,
      env: environment,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.set(name, child);
    const outcome = await waitFor(
      async () => {
        if (child.exitCode !== null) return 'exited';
        const response = await fetch(`${urls[name]}/ready`).catch(() => undefined);
        return response?.ok === true ? 'ready' : false;
      },
      { timeoutMs: 60_000, maxIntervalMs: 250, description: `${name} subgraph to be ready` },
    );
    if (outcome !== 'ready') throw new Error(`the ${name} subgraph exited before it was ready`);
  };
  try {
    // Auth first: the others fetch its keys and consume what its outbox relays.
    await startOne('auth');
    await Promise.all([startOne('user'), startOne('expense')]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls,
    jwksUrl,
    topicPrefix,
    databases,
    cpuMs: () => {
      const used: Partial<Record<SubgraphName, number>> = {};
      for (const [name, child] of children) {
        const ms = processCpuMs(child.pid);
        if (ms === undefined) return undefined;
        used[name] = ms;
      }
      const { auth, user, expense } = used;
      return auth === undefined || user === undefined || expense === undefined
        ? undefined
        : { auth, user, expense };
    },
    stop,
  };
}

/**
 * A process's CPU time so far from /proc (Linux): utime + stime, fields 14 and 15 of its stat
 * line, in clock ticks of 10 ms. The subgraphs' figure is context (and whether one is saturated),
 * so its coarse ticks do.
 */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
