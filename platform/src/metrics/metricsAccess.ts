import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Who may read `/metrics`: a caller on this host, or one that presents `token` (when set) as a
 * bearer token. The figures tell an outsider how busy the system is and which operations fail,
 * and every process's port, the gateway's included, may be reachable from outside. The peer is
 * the TCP peer, never a forwarded-for header, which a client can write itself.
 */
export function mayReadMetrics(
  caller: { readonly peerAddress: string | undefined; readonly authorization: string | undefined },
  token: string,
): boolean {
  if (isLoopbackAddress(caller.peerAddress)) return true;
  if (token === '') return false;
  const offered = /^Bearer (.+)$/.exec(caller.authorization ?? '')?.[1];
  return offered !== undefined && sameSecret(offered, token);
}

/** 127.0.0.0/8, ::1, and IPv4 loopback written as an IPv6-mapped address. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Compares digests, so neither the time taken nor a length check tells how much matched. */
function sameSecret(offered: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(offered), digest(expected));
}
