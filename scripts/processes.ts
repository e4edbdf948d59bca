/**
 * Every process of ours that `npm start` runs, in start order. Each later service adds itself
 * here; the gateway comes last because it composes the others.
 */
export interface ServiceProcess {
  readonly name: string;
  /** Entry point, run with tsx. */
  readonly entry: string;
  /** The health URL that answers 200 once the process can take work. */
  readonly readyUrl: string;
}

export const serviceProcesses: readonly ServiceProcess[] = [
  // auth first: user verifies tokens against auth's JWKS and consumes what auth's outbox relays.
  {
    name: 'auth',
    entry: 'subgraphs/auth/src/index.ts',
    readyUrl: `http://127.0.0.1:${process.env.AUTH_PORT ?? '4001'}/ready`,
  },
  {
    name: 'user',
    entry: 'subgraphs/user/src/index.ts',
    readyUrl: `http://127.0.0.1:${process.env.USER_PORT ?? '4002'}/ready`,
  },
  // expense runs its projector in the same process; it verifies tokens against auth's JWKS.
  {
    name: 'expense',
    entry: 'subgraphs/expense/src/index.ts',
    readyUrl: `http://127.0.0.1:${process.env.EXPENSE_PORT ?? '4003'}/ready`,
  },
  // The parser worker has no GraphQL; it turns submitted messages into expense events.
  {
    name: 'parser-worker',
    entry: 'parser/src/worker/index.ts',
    readyUrl: `http://127.0.0.1:${process.env.PARSER_PORT ?? '4004'}/ready`,
  },
  // The gateway last: it composes the subgraphs and answers /ready once they are reachable.
  {
    name: 'gateway',
    entry: 'gateway/src/index.ts',
    readyUrl: `http://127.0.0.1:${process.env.GATEWAY_PORT ?? '4000'}/ready`,
  },
];
