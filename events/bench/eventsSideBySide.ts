import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  ChannelMessages,
  workerReply,
  type WorkerReply,
  type WorkerRequest,
} from './eventsSettingProtocol.ts';

/** One setting bench:observability compares: its name and the environment it adds. */
export interface EventSetting<Name extends string> {
  readonly name: Name;
  readonly env: Readonly<Record<string, string>>;
}

/** One round's passes of one setting, timed back to back in its own process. */
export interface EventRound {
  readonly runnerPerSec: number;
  readonly runnerCpuMicros: number;
  readonly barePerSec: number;
  readonly bareCpuMicros: number;
}

const workerScript = fileURLToPath(new URL('./eventsSettingWorker.ts', import.meta.url));

/** A forked eventsSettingWorker.ts: asks one thing at a time, waits for its answer. */
class SettingWorker {
  private readonly child: ChildProcess;
  private readonly replies = new ChannelMessages<WorkerReply>();

  constructor(label: string, env: Readonly<Record<string, string>>) {
    this.child = fork(workerScript, [], {
      env: { ...process.env, ...env },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) {
          if (line.trim() !== '') process.stderr.write(`[${label} events] ${line}\n`);
        }
      });
    }
    this.child.on('message', (message: unknown) => this.replies.push(workerReply.parse(message)));
    this.child.on('exit', (code) =>
      this.replies.end(new Error(`${label}: the events worker exited (${code}) before answering`)),
    );
  }

  async next(): Promise<WorkerReply> {
    const reply = await this.replies.next();
    // The channel ends only by the worker's exit, which is an error.
    if (reply === undefined) throw new Error('the events worker ended its channel');
    return reply;
  }

  async pass(consumer: 'runner' | 'bare', run: string) {
    this.child.send({ kind: 'pass', consumer, run } satisfies WorkerRequest);
    const reply = await this.next();
    if (reply.kind !== 'pass') throw new Error(`expected a pass, got ${reply.kind}`);
    return reply;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ kind: 'stop' } satisfies WorkerRequest);
    await exited;
  }
}

/**
 * The event runner under each setting, side by side in one run. First a process per setting
 * produces that setting's topic (with its own tracing) and keeps it until the end. Then `rounds`
 * rounds in which every setting, one after another, starts a fresh process over its topic, which
 * warms up and times a runner pass and a bare kafkajs pass, and stops. A process per setting for
 * the whole run made one setting's figures one process's: two processes running the same code
 * differed by up to a fifth in CPU per event, round after round, which once had metrics on cost
 * less than off. The settings' order rotates each round (so none always goes first or follows the
 * same one), and the runner and bare passes swap every other round. A setting's rate is then
 * compared with `off`'s in the same round, seconds apart, rather than with a run minutes away.
 */
export async function measureEventsSideBySide<Name extends string>(
  settings: readonly EventSetting<Name>[],
  rounds: number,
  progress: (line: string) => void,
): Promise<Map<Name, EventRound[]>> {
  const producers = new Map(settings.map(({ name, env }) => [name, new SettingWorker(name, env)]));
  try {
    const topicPrefixes = new Map<Name, string>();
    for (const [name, producer] of producers) {
      const produced = await producer.next();
      if (produced.kind !== 'produced') {
        throw new Error(`${name}: expected produced, got ${produced.kind}`);
      }
      topicPrefixes.set(name, produced.topicPrefix);
      progress(`${name}: produced at ${produced.producedPerSec} events/s`);
    }
    const measured = new Map<Name, EventRound[]>(settings.map(({ name }) => [name, []]));
    for (let round = 1; round <= rounds; round += 1) {
      const shift = (round - 1) % settings.length;
      const order = [...settings.slice(shift), ...settings.slice(0, shift)];
      for (const { name, env } of order) {
        const worker = new SettingWorker(name, {
          ...env,
          BENCH_EVENTS_TOPIC_PREFIX: topicPrefixes.get(name) ?? '',
        });
        try {
          const ready = await worker.next();
          if (ready.kind !== 'ready') throw new Error(`${name}: expected ready, got ${ready.kind}`);
          const run = String(round);
          const bareFirst = round % 2 === 0;
          const bare = bareFirst ? await worker.pass('bare', run) : undefined;
          const runner = await worker.pass('runner', run);
          const bareAfter = bare ?? (await worker.pass('bare', run));
          measured.get(name)?.push({
            runnerPerSec: runner.perSec,
            runnerCpuMicros: runner.cpuMicros,
            barePerSec: bareAfter.perSec,
            bareCpuMicros: bareAfter.cpuMicros,
          });
          progress(
            `round ${round} ${name}: runner ${runner.perSec} events/s, ${runner.cpuMicros} µs CPU ` +
              `each, ${runner.scavengesPerThousand} scavenges per 1000; bare ` +
              `${bareAfter.perSec}/s, ${bareAfter.cpuMicros} µs`,
          );
        } finally {
          await worker.stop();
        }
      }
    }
    return measured;
  } finally {
    await Promise.all([...producers.values()].map((producer) => producer.stop()));
  }
}
