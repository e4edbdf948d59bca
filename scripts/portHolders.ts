import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';

/** A port `npm start` needs, named for the message that says who holds it. */
export interface WantedPort {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** A wanted port something already listens on, with the process holding it where /proc tells. */
export interface PortHolder extends WantedPort {
  readonly pid: number | undefined;
  /** The holder's command line, shortened; empty when unknown. */
  readonly command: string;
}

/**
 * The wanted ports that are taken, each with its holder. "Taken" is decided by trying to listen
 * there, exactly what the service would do, so it holds on any platform. The holder is looked up
 * in /proc (Linux): the listening socket's inode in /proc/net/tcp{,6}, then the process with a
 * file descriptor on that socket. No `ss` or `lsof`, which not every machine has. A holder run
 * by another user, or any holder off Linux, comes back with an unknown pid.
 */
export async function findPortHolders(ports: readonly WantedPort[]): Promise<PortHolder[]> {
  const taken: WantedPort[] = [];
  for (const wanted of ports) {
    if (!(await canListen(wanted.host, wanted.port))) taken.push(wanted);
  }
  if (taken.length === 0) return [];
  const inodes = await listeningSocketInodes();
  const owners = await socketOwners();
  return Promise.all(
    taken.map(async (wanted) => {
      const inode = inodes.get(wanted.port);
      const pid = inode === undefined ? undefined : owners.get(inode);
      return { ...wanted, pid, command: pid === undefined ? '' : await commandLine(pid) };
    }),
  );
}

/** "127.0.0.1:4003 (expense) is held by pid 4242 (node --import tsx subgraphs/expense/src/index.ts)" */
export function describeHolder(holder: PortHolder): string {
  const where = `${holder.host}:${holder.port} (${holder.name}) is held by`;
  if (holder.pid === undefined) return `${where} a process this user cannot see`;
  return `${where} pid ${holder.pid}${holder.command ? ` (${holder.command})` : ''}`;
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Listening TCP sockets (IPv4 and IPv6) by local port: port → socket inode. */
async function listeningSocketInodes(): Promise<Map<number, string>> {
  const inodes = new Map<number, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
      const fields = line.trim().split(/\s+/);
      const [, local, , state, , , , , , inode] = fields;
      if (local === undefined || inode === undefined || state !== '0A') continue; // 0A: LISTEN
      const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (!inodes.has(port)) inodes.set(port, inode);
    }
  }
  return inodes;
}

/** Every socket inode a visible process holds open: inode → pid. */
async function socketOwners(): Promise<Map<string, number>> {
  const owners = new Map<string, number>();
  const pids = (await readdir('/proc').catch(() => [])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    // Another user's process, or one that just exited: nothing to read, not an error.
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1] !== undefined && !owners.has(match[1])) owners.set(match[1], Number(pid));
    }
  }
  return owners;
}

/** The command line, shortened in the middle: a JVM's classpath would fill the screen. */
async function commandLine(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const line = raw.split('\0').join(' ').trim();
  return line.length <= 160 ? line : `${line.slice(0, 80)} … ${line.slice(-70)}`;
}
