import { describe, expect, it } from '@jest/globals';
import { CodedError } from '../src/errors.ts';
import {
  devSubgraphSharedSecret,
  gatewaySignatureHeader,
  gatewaySignatureHeaders,
  gatewayTimestampHeader,
  subgraphSharedSecretFromEnv,
  verifyGatewaySignature,
  type SignedRequestParts,
} from '../src/gatewaySignature.ts';

const secret = 'a-test-secret-of-at-least-thirty-two-characters';
const now = Date.parse('2026-11-26T12:00:00Z');
const request: SignedRequestParts = {
  method: 'POST',
  target: '/graphql',
  body: '{"query":"{ me { id } }"}',
  authorization: 'Bearer token',
  clientAddress: '203.0.113.7',
};

function codeOf(action: () => void): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof CodedError ? error.code : 'NOT_CODED';
  }
}

function verify(parts: SignedRequestParts, headers: Record<string, string>, atMs = now) {
  return codeOf(() =>
    verifyGatewaySignature(
      secret,
      {
        ...parts,
        timestamp: headers[gatewayTimestampHeader],
        signature: headers[gatewaySignatureHeader],
      },
      { nowMs: atMs },
    ),
  );
}

describe('gateway request signatures', () => {
  const headers = gatewaySignatureHeaders(secret, request, now);

  it('accept what the gateway signed, within the clock skew', () => {
    expect(verify(request, headers)).toBeUndefined();
    expect(verify(request, headers, now + 29_000)).toBeUndefined();
  });

  it('refuse an unsigned request', () => {
    expect(verify(request, {})).toBe('GATEWAY_SIGNATURE_REQUIRED');
  });

  it('refuse a request changed after signing: body, path, token or client address', () => {
    expect(verify({ ...request, body: '{"query":"{ _entities }"}' }, headers)).toBe(
      'GATEWAY_SIGNATURE_INVALID',
    );
    expect(verify({ ...request, target: '/graphql?x=1' }, headers)).toBe(
      'GATEWAY_SIGNATURE_INVALID',
    );
    expect(verify({ ...request, authorization: 'Bearer other' }, headers)).toBe(
      'GATEWAY_SIGNATURE_INVALID',
    );
    expect(verify({ ...request, clientAddress: '198.51.100.1' }, headers)).toBe(
      'GATEWAY_SIGNATURE_INVALID',
    );
  });

  it('refuse another secret, a malformed signature and a moved timestamp', () => {
    expect(verify(request, gatewaySignatureHeaders(`${secret}x`, request, now))).toBe(
      'GATEWAY_SIGNATURE_INVALID',
    );
    expect(verify(request, { ...headers, [gatewaySignatureHeader]: 'v1=00' })).toBe(
      'GATEWAY_SIGNATURE_INVALID',
    );
    const moved = String(Number(headers[gatewayTimestampHeader]) + 1);
    expect(verify(request, { ...headers, [gatewayTimestampHeader]: moved })).toBe(
      'GATEWAY_SIGNATURE_INVALID',
    );
  });

  it('refuse a replay after the allowed skew, and one from too far ahead', () => {
    expect(verify(request, headers, now + 31_000)).toBe('GATEWAY_SIGNATURE_EXPIRED');
    expect(verify(request, headers, now - 31_000)).toBe('GATEWAY_SIGNATURE_EXPIRED');
  });
});

describe('the shared secret from the environment', () => {
  it('uses the development secret only on loopback outside production', () => {
    expect(subgraphSharedSecretFromEnv({ host: '127.0.0.1', env: {} })).toBe(
      devSubgraphSharedSecret,
    );
    expect(codeOf(() => subgraphSharedSecretFromEnv({ host: '0.0.0.0', env: {} }))).toBe(
      'INVALID_CONFIG',
    );
    expect(
      codeOf(() =>
        subgraphSharedSecretFromEnv({ host: '127.0.0.1', env: { NODE_ENV: 'production' } }),
      ),
    ).toBe('INVALID_CONFIG');
  });

  it('takes SUBGRAPH_SHARED_SECRET, and refuses a short one', () => {
    expect(
      subgraphSharedSecretFromEnv({ host: '0.0.0.0', env: { SUBGRAPH_SHARED_SECRET: secret } }),
    ).toBe(secret);
    expect(
      codeOf(() =>
        subgraphSharedSecretFromEnv({ host: '0.0.0.0', env: { SUBGRAPH_SHARED_SECRET: 'short' } }),
      ),
    ).toBe('INVALID_CONFIG');
  });
});
