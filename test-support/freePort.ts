import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A free loopback port for a server a test starts later. It is drawn below the kernel's
 * ephemeral range, never from it: a port the kernel hands out for `listen(0)` is also one it
 * hands out as the local end of outgoing connections, and the system tests open hundreds of
 * those (Kafka, MongoDB pools) between choosing a gateway's port and binding it, so once in a
 * while the gateway found its port taken (EADDRINUSE). Below the range only another test's
 * random choice can collide, and the bind check here makes that unlikely too.
 */
export async function freePort(): Promise<number> {
  const { lowest, highest } = candidateRange();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = lowest + Math.floor(Math.random() * (highest - lowest + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free loopback port between ${lowest} and ${highest} after 100 tries`);
}

/** Ports below the ephemeral range (Linux's default starts at 32768), above the well-known ones. */
function candidateRange(): { lowest: number; highest: number } {
  const lowest = 10_000;
  try {
    const [ephemeralStart] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (ephemeralStart !== undefined && ephemeralStart > lowest + 1_000) {
      return { lowest, highest: ephemeralStart - 1 };
    }
  } catch {
    // Not Linux: the usual start of the range elsewhere (IANA's dynamic ports) is 49152.
  }
  return { lowest, highest: 32_767 };
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
