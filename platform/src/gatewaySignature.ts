import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { CodedError } from './errors.ts';

/**
 * Subgraphs answer only the gateway. The gateway signs every request it sends them (HTTP fetches
 * and the upgrade of its subscription sockets) with HMAC-SHA256 under a secret both share
 * (`SUBGRAPH_SHARED_SECRET`); a subgraph refuses what is unsigned, badly signed, or signed longer
 * ago (or further ahead) than the allowed clock skew. The signature covers the method, the path
 * with its query string, the time, the client address the gateway vouches for, the
 * `Authorization` header and the body, so none of them can be changed or swapped in transit.
 * The user's access token is still verified by the subgraph as before.
 */

/** Seconds since the epoch when the gateway signed. */
export const gatewayTimestampHeader = 'x-cashtrack-gateway-timestamp';
/** `v1=<hex HMAC-SHA256>`. */
export const gatewaySignatureHeader = 'x-cashtrack-gateway-signature';
/** The end client's address as the gateway saw it; subgraphs believe only a signed one. */
export const gatewayClientAddressHeader = 'x-cashtrack-client-address';

/** How far a signature's time may be from the subgraph's clock. */
export const defaultSignatureMaxSkewMs = 30_000;

/**
 * The secret used when none is set, on loopback outside production only (`npm start`, tests):
 * public by definition, so it only keeps the code path the same as in production.
 */
export const devSubgraphSharedSecret = 'cashtrack-development-only-subgraph-secret-not-secret';

/** A secret shorter than this is refused at startup. */
export const minSubgraphSecretLength = 32;

export type GatewaySignatureCode =
  'GATEWAY_SIGNATURE_REQUIRED' | 'GATEWAY_SIGNATURE_INVALID' | 'GATEWAY_SIGNATURE_EXPIRED';

/** The parts of a request the signature covers. */
export interface SignedRequestParts {
  readonly method: string;
  /** The path with its query string, exactly as on the request line, e.g. `/graphql`. */
  readonly target: string;
  readonly body: string | Buffer;
  readonly authorization?: string | undefined;
  readonly clientAddress?: string | undefined;
}

/** Headers to add to a request: its timestamp and signature (the client address header is the caller's). */
export function gatewaySignatureHeaders(
  secret: string,
  parts: SignedRequestParts,
  nowMs: number = Date.now(),
): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [gatewayTimestampHeader]: timestamp,
    [gatewaySignatureHeader]: `v1=${signatureOf(secret, parts, timestamp)}`,
  };
}

export interface VerifySignatureOptions {
  readonly nowMs?: number;
  readonly maxSkewMs?: number;
}

/**
 * Throws a `CodedError` (GATEWAY_SIGNATURE_REQUIRED, _INVALID or _EXPIRED) unless the request
 * carries a valid signature made within the allowed skew. The comparison takes the same time
 * whatever the signature, so timing tells an attacker nothing about the right one.
 */
export function verifyGatewaySignature(
  secret: string,
  parts: SignedRequestParts & {
    readonly timestamp: string | undefined;
    readonly signature: string | undefined;
  },
  options: VerifySignatureOptions = {},
): void {
  const { timestamp, signature } = parts;
  if (timestamp === undefined || signature === undefined) {
    throw new CodedError(
      'GATEWAY_SIGNATURE_REQUIRED',
      'This service answers only the gateway: the request is not signed',
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new CodedError('GATEWAY_SIGNATURE_INVALID', 'The gateway signature is not valid', {
      reason: 'malformed timestamp',
    });
  }
  const expected = Buffer.from(`v1=${signatureOf(secret, parts, timestamp)}`);
  const offered = Buffer.from(signature);
  if (offered.length !== expected.length || !timingSafeEqual(offered, expected)) {
    throw new CodedError('GATEWAY_SIGNATURE_INVALID', 'The gateway signature is not valid');
  }
  // Checked after the signature, so a forged request learns nothing about the clock.
  const skewMs = Math.abs((options.nowMs ?? Date.now()) - Number(timestamp) * 1000);
  const maxSkewMs = options.maxSkewMs ?? defaultSignatureMaxSkewMs;
  if (skewMs > maxSkewMs) {
    throw new CodedError(
      'GATEWAY_SIGNATURE_EXPIRED',
      'The gateway signature is too old or too far ahead; check the clocks',
      { maxSkewSeconds: maxSkewMs / 1000 },
    );
  }
}

export interface SharedSecretOptions {
  /** The address this process listens on; anything but loopback needs a real secret. */
  readonly host: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * `SUBGRAPH_SHARED_SECRET`, the same in the gateway and every subgraph. Unset, on loopback and
 * outside production, the development secret is used (nothing off the machine can reach the
 * processes). Unset with `NODE_ENV=production` or listening beyond loopback (containers), the
 * process refuses to start: a public default there would let anyone on the network sign.
 */
export function subgraphSharedSecretFromEnv(options: SharedSecretOptions): string {
  const env: Readonly<Record<string, string | undefined>> = options.env ?? process.env;
  const configured: string | undefined = env.SUBGRAPH_SHARED_SECRET;
  const secret: string = configured === undefined ? '' : configured.trim();
  if (secret !== '') {
    if (secret.length < minSubgraphSecretLength) {
      throw new CodedError(
        'INVALID_CONFIG',
        `SUBGRAPH_SHARED_SECRET must be at least ${minSubgraphSecretLength} characters (e.g. openssl rand -hex 32)`,
      );
    }
    return secret;
  }
  if (env.NODE_ENV === 'production' || !isLoopback(options.host)) {
    throw new CodedError(
      'INVALID_CONFIG',
      'SUBGRAPH_SHARED_SECRET must be set (the same in the gateway and every subgraph, e.g. ' +
        'openssl rand -hex 32) in production or when listening beyond loopback',
      { host: options.host },
    );
  }
  return devSubgraphSharedSecret;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function signatureOf(secret: string, parts: SignedRequestParts, timestamp: string): string {
  // Header values cannot hold line breaks, so the lines cannot be shifted into one another;
  // the token and body go in as hashes so their content is irrelevant to the framing.
  const canonical = [
    'v1',
    parts.method.toUpperCase(),
    parts.target,
    timestamp,
    parts.clientAddress ?? '',
    sha256(parts.authorization ?? ''),
    sha256(parts.body),
  ].join('\n');
  return createHmac('sha256', secret).update(canonical).digest('hex');
}

function sha256(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
}
