/**
 * Every process of ours that `npm start` runs, in start order. Each later service adds itself
 * here; the gateway comes last because it composes the others.
 */
export interface ServiceProcess {
  readonly name: string;
  /** Entry point, run with tsx. */
  readonly entry: string;
  /** Where it listens: its `<NAME>_HOST` / `<NAME>_PORT`, read the way the service reads them. */
  readonly host: string;
  readonly port: number;
  /** The health URL that answers 200 once the process can take work. */
  readonly readyUrl: string;
}

function service(name: string, entry: string, variable: string, port: number): ServiceProcess {
  const chosenPort = Number(process.env[`${variable}_PORT`] ?? port);
  return {
    name,
    entry,
    host: process.env[`${variable}_HOST`] ?? '127.0.0.1',
    port: chosenPort,
    readyUrl: `http://127.0.0.1:${chosenPort}/ready`,
  };
}

export const serviceProcesses: readonly ServiceProcess[] = [
  // auth first: user verifies tokens against auth's JWKS and consumes what auth's outbox relays.
  service('auth', 'subgraphs/auth/src/index.ts', 'AUTH', 4001),
  service('user', 'subgraphs/user/src/index.ts', 'USER', 4002),
  // expense runs its projector in the same process; it verifies tokens against auth's JWKS.
  service('expense', 'subgraphs/expense/src/index.ts', 'EXPENSE', 4003),
  // The parser worker has no GraphQL; it turns submitted messages into expense events.
  service('parser-worker', 'parser/src/worker/index.ts', 'PARSER', 4004),
  // The gateway last: it composes the subgraphs and answers /ready once they are reachable.
  service('gateway', 'gateway/src/index.ts', 'GATEWAY', 4000),
];

/**
 * What the services need to find each other when ports are moved (`AUTH_PORT=5001 npm start`):
 * the supergraph names 4001-4003, and the token verifiers default to auth on 4001. Nothing is
 * added for a service on its default port, and whatever the caller set explicitly wins.
 */
export function serviceAddressEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const derived: Record<string, string> = {};
  const moved = (name: string, defaultPort: number): number | undefined => {
    const port = serviceProcesses.find((entry) => entry.name === name)?.port;
    return port === undefined || port === defaultPort ? undefined : port;
  };
  const authPort = moved('auth', 4001);
  if (authPort !== undefined) {
    derived.AUTH_JWKS_URL = `http://127.0.0.1:${authPort}/.well-known/jwks.json`;
    derived.SUBGRAPH_AUTH_URLS = `http://127.0.0.1:${authPort}/graphql`;
  }
  const userPort = moved('user', 4002);
  if (userPort !== undefined) derived.SUBGRAPH_USER_URLS = `http://127.0.0.1:${userPort}/graphql`;
  const expensePort = moved('expense', 4003);
  if (expensePort !== undefined) {
    derived.SUBGRAPH_EXPENSE_URLS = `http://127.0.0.1:${expensePort}/graphql`;
  }
  return Object.fromEntries(
    Object.entries(derived).filter(([name]) => (env[name] ?? '').trim() === ''),
  );
}
