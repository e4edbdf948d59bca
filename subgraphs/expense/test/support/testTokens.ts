import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { accessTokenAudienceFromEnv } from '@cashtrack/platform';

/**
 * Access tokens as auth signs them (RS256, `kid`, `token_use: access`) and a JWKS served on a
 * free local port, so the subgraph verifies them through its real JWKS key source.
 */
export interface TestTokenIssuer {
  readonly jwksUrl: string;
  tokenFor(userId: string): string;
  close(): Promise<void>;
}

export async function startTestTokenIssuer(): Promise<TestTokenIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-${randomUUID()}`;
  const jwk = {
    ...publicKey.export({ format: 'jwk' }),
    kid,
    use: 'sig',
    alg: 'RS256',
  };
  const server: Server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { issuer, audience } = accessTokenAudienceFromEnv();
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    tokenFor: (userId) =>
      jwt.sign({ token_use: 'access' }, privateKey, {
        algorithm: 'RS256',
        keyid: kid,
        subject: userId,
        issuer,
        audience,
        jwtid: randomUUID(),
        expiresIn: 900,
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
