import { startLiveChanges, type ExpenseChange } from './liveChanges';

/** A graphql-ws server in memory: acknowledges, records subscribe payloads, can close. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static sockets: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  protocol = 'graphql-transport-ws';
  onopen: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  readonly received: { type: string; id?: string; payload?: unknown }[] = [];

  constructor(readonly url: string) {
    FakeSocket.sockets.push(this);
    setTimeout(() => {
      this.readyState = FakeSocket.OPEN;
      this.onopen?.();
    }, 0);
  }

  send(data: string): void {
    const message = JSON.parse(data) as { type: string; id?: string; payload?: unknown };
    this.received.push(message);
    if (message.type === 'connection_init') this.reply({ type: 'connection_ack' });
  }

  reply(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  deliver(cursor: string): void {
    const subscribe = this.received.filter((m) => m.type === 'subscribe').at(-1);
    const change: ExpenseChange = {
      cursor,
      kind: 'REJECTED',
      expenseId: null,
      expense: null,
      message: { id: `m-${cursor}`, text: 'hi', status: 'REJECTED', reason: 'no amount' },
    };
    this.reply({ type: 'next', id: subscribe?.id, payload: { data: { expenseChanged: change } } });
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: true });
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition not met');
}

function subscribes(socket: FakeSocket | undefined): unknown[] {
  return (socket?.received ?? [])
    .filter((m) => m.type === 'subscribe')
    .map((m) => (m.payload as { variables: unknown }).variables);
}

describe('live changes', () => {
  beforeEach(() => {
    FakeSocket.sockets = [];
  });

  it('resubscribes after the last cursor with a fresh token when the token expires (4419)', async () => {
    let token = 0;
    const seen: string[] = [];
    const live = startLiveChanges({
      url: 'ws://gateway/graphql',
      accessToken: async () => `token-${++token}`,
      renewAccessToken: async () => undefined,
      onChange: (change) => seen.push(change.cursor),
      onOnline: () => undefined,
      webSocketImpl: FakeSocket,
    });
    await until(() => subscribes(FakeSocket.sockets[0]).length === 1);
    const first = FakeSocket.sockets[0]!;
    expect(first.received[0]).toEqual({
      type: 'connection_init',
      payload: { authorization: 'Bearer token-1' },
    });
    expect(subscribes(first)).toEqual([{ after: null }]);
    first.deliver('c1');
    first.deliver('c2');
    first.close(4419, 'token expired');

    await until(() => subscribes(FakeSocket.sockets[1]).length === 1);
    const second = FakeSocket.sockets[1]!;
    expect(second.received[0]).toEqual({
      type: 'connection_init',
      payload: { authorization: 'Bearer token-2' },
    });
    expect(subscribes(second)).toEqual([{ after: 'c2' }]);
    second.deliver('c3');
    expect(seen).toEqual(['c1', 'c2', 'c3']);
    expect(live.lastCursor()).toBe('c3');
    await live.stop();
    expect(second.readyState).toBe(FakeSocket.CLOSED);
  });

  it('says it is offline when the connection drops, and online again once back', async () => {
    const states: boolean[] = [];
    const live = startLiveChanges({
      url: 'ws://gateway/graphql',
      accessToken: async () => 'token',
      renewAccessToken: async () => undefined,
      onChange: () => undefined,
      onOnline: (online) => states.push(online),
      webSocketImpl: FakeSocket,
      maxBackoffMs: 10,
    });
    await until(() => subscribes(FakeSocket.sockets[0]).length === 1);
    FakeSocket.sockets[0]!.deliver('c9');
    FakeSocket.sockets[0]!.close(1006, 'gone');
    await until(() => subscribes(FakeSocket.sockets[1]).length === 1);
    expect(subscribes(FakeSocket.sockets[1])).toEqual([{ after: 'c9' }]);
    expect(states).toEqual([true, false, true]);
    await live.stop();
  });

  it('renews a revoked token (4420) before it subscribes again, with no offline banner', async () => {
    let token = 'token-1';
    const states: boolean[] = [];
    const live = startLiveChanges({
      url: 'ws://gateway/graphql',
      accessToken: async () => token,
      renewAccessToken: async () => {
        token = 'token-2';
      },
      onChange: () => undefined,
      onOnline: (online) => states.push(online),
      webSocketImpl: FakeSocket,
      maxBackoffMs: 10,
    });
    await until(() => subscribes(FakeSocket.sockets[0]).length === 1);
    FakeSocket.sockets[0]!.deliver('c1');
    FakeSocket.sockets[0]!.close(4420, 'Access token revoked');
    await until(() => subscribes(FakeSocket.sockets[1]).length === 1);
    expect(FakeSocket.sockets[1]!.received[0]).toEqual({
      type: 'connection_init',
      payload: { authorization: 'Bearer token-2' },
    });
    expect(subscribes(FakeSocket.sockets[1])).toEqual([{ after: 'c1' }]);
    // Not a connection problem: no offline banner for it.
    expect(states).toEqual([true]);
    await live.stop();
  });
});
