/**
 * One bench gateway in a child process of its own, so that `process.cpuUsage()` there is that
 * gateway's CPU and nothing else's (no subgraph, no load generator, no other gateway's garbage).
 *
 * The parent forks this module (with its own loader flags, e.g. tsx's, plus `--cpu-prof` when
 * profiling) and talks to it over IPC: `start` → `started { url }`, `cpu` → `cpu { ms }`,
 * `stop` → stops the gateway and exits (which is when `--cpu-prof` writes its profile).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '@cashtrack/platform';
import {
  startBenchGateway,
  type GatewayName,
  type GatewaySetting,
  type StartedGateway,
} from './benchGateways.ts';

type ToChild =
  | { readonly type: 'start'; readonly name: GatewayName; readonly setting: GatewaySetting }
  | { readonly type: 'cpu' }
  | { readonly type: 'stop' };

type FromChild =
  | { readonly type: 'started'; readonly url: string }
  | { readonly type: 'cpu'; readonly ms: number }
  | { readonly type: 'failed'; readonly reason: string };

/** Set in the child's environment so the module knows it is the child. */
const childVariable = 'CASHTRACK_BENCH_GATEWAY_PROCESS';

/** A bench gateway by name, or `baseline`: ours, from another checkout (`checkout`). */
export type GatewayLabel = GatewayName | 'baseline';

export interface GatewayProcess {
  readonly name: GatewayLabel;
  readonly url: string;
  /** CPU time (user + system) the gateway's process has used so far, in ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export interface GatewayProcessOptions {
  /** Write V8 CPU profiles of the whole run into `<profileDir>/<name>/` (`--cpu-prof`). */
  readonly profileDir?: string;
  /**
   * Run the gateway of this other checkout of the repository (its own code, its tsconfig's
   * paths for `@cashtrack/*`; its `node_modules` may be a link to this one's), named `baseline`:
   * before and after of a change measured side by side in one run.
   */
  readonly checkout?: string;
}

export async function startGatewayProcess(
  name: GatewayName,
  setting: GatewaySetting,
  options: GatewayProcessOptions = {},
): Promise<GatewayProcess> {
  const label: GatewayLabel = options.checkout === undefined ? name : 'baseline';
  const checkout = options.checkout === undefined ? undefined : path.resolve(options.checkout);
  const child = fork(
    checkout === undefined
      ? fileURLToPath(import.meta.url)
      : path.join(checkout, 'gateway', 'bench', 'gatewayProcess.ts'),
    [],
    {
      ...(checkout === undefined ? {} : { cwd: checkout }),
      env: {
        ...process.env,
        [childVariable]: '1',
        // tsx maps `@cashtrack/*` by the tsconfig it finds, which must be the checkout's.
        ...(checkout === undefined
          ? {}
          : { TSX_TSCONFIG_PATH: path.join(checkout, 'tsconfig.json') }),
      },
      execArgv: [
        ...process.execArgv,
        // One profile per thread (tsx's loader runs in one of its own): `<dir>/<label>/CPU.*`.
        ...(options.profileDir === undefined
          ? []
          : ['--cpu-prof', `--cpu-prof-dir=${path.join(options.profileDir, label)}`]),
      ],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = (message: ToChild, answer: FromChild['type']): Promise<FromChild> =>
    new Promise((resolve, reject) => {
      const onMessage = (reply: FromChild): void => {
        if (reply.type !== answer && reply.type !== 'failed') return;
        child.off('message', onMessage);
        if (reply.type === 'failed') reject(new Error(`${label} gateway: ${reply.reason}`));
        else resolve(reply);
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`the ${label} gateway's process exited`)));
      child.send(message);
    });
  const started = await ask({ type: 'start', name, setting }, 'started').catch(
    async (error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
  return {
    name: label,
    url: started.type === 'started' ? started.url : '',
    async cpuMs() {
      const reply = await ask({ type: 'cpu' }, 'cpu');
      return reply.type === 'cpu' ? reply.ms : 0;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ type: 'stop' } satisfies ToChild);
      await exited;
    },
  };
}

function runChild(reply: (message: FromChild) => void): void {
  let gateway: StartedGateway | undefined;
  process.on('message', (message: ToChild) => {
    switch (message.type) {
      case 'start':
        startBenchGateway(message.name, message.setting).then(
          (started) => {
            gateway = started;
            reply({ type: 'started', url: started.url });
          },
          (error: unknown) => reply({ type: 'failed', reason: errorMessage(error) }),
        );
        return;
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        reply({ type: 'cpu', ms: (user + system) / 1_000 });
        return;
      }
      case 'stop':
        void (gateway?.stop() ?? Promise.resolve())
          .catch((error: unknown) => process.stderr.write(`stopping: ${errorMessage(error)}\n`))
          // Stray keep-alive sockets or client timers must not keep the process alive.
          .finally(() => process.exit(0));
        return;
    }
  });
}

const channel = process.send?.bind(process);
if (process.env[childVariable] === '1' && channel !== undefined) {
  runChild((message) => void channel(message));
}
