import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder to the real broker on a port that refuses connections until `open()`: a
 * Kafka "down" then "up" for a client bootstrapped through it. (After bootstrap kafkajs talks to
 * the broker's advertised address directly, so only a client that has not connected yet is kept
 * out; that is exactly the state of a service started during the outage.)
 */
export interface KafkaDoorway {
  /** `127.0.0.1:<port>`, for KAFKA_BROKERS. */
  readonly address: string;
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function kafkaDoorway(broker: string): Promise<KafkaDoorway> {
  const [brokerHost = '127.0.0.1', brokerPort = '9092'] = broker.split(':');
  // Reserve a free port, then let it go: nothing listens there until open().
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    address: `127.0.0.1:${port}`,
    async open() {
      server = createServer((client) => {
        const upstream = createConnection(Number(brokerPort), brokerHost);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) =>
        server === undefined ? resolve() : server.close(() => resolve()),
      );
    },
  };
}
