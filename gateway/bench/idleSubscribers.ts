import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * A separate process holding N idle subscriptions to the gateway, so the bench's own process
 * measures only the server side. Reads `{url, token, sockets}` from argv, prints `ready <n>` on
 * stdout once every socket is acknowledged and subscribed, and exits on SIGTERM.
 */
const [url = '', token = '', countText = '0'] = process.argv.slice(2);
const count = Number(countText);
const clients: Client[] = [];

async function openOne(): Promise<void> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('closed', (event) => reject(new Error(`socket closed: ${JSON.stringify(event)}`)));
  });
  client.subscribe(
    { query: 'subscription { expenseChanged { cursor } }' },
    { next: () => undefined, error: () => undefined, complete: () => undefined },
  );
}

for (let opened = 0; opened < count; opened += 100) {
  await Promise.all(Array.from({ length: Math.min(100, count - opened) }, openOne));
}
process.stdout.write(`ready ${clients.length}\n`);
process.once('SIGTERM', () => {
  for (const client of clients) void client.dispose();
  process.exit(0);
});
