/**
 * `npm run bench:auth`: over loopback against an auth subgraph started in-process (its own
 * database and topic prefix, dropped at the end). Two pairs, each in alternating rounds with the
 * best round of each side counted, so every ratio is measured side by side in this run:
 * - log-ins per second through GraphQL at a fixed concurrency with the configured scrypt cost
 *   (production: N = 2^15), p50/p95 latency over all rounds, against bare scrypt verifications
 *   at the same concurrency (the limit of log-ins);
 * - access-token verifications per second with the platform verifier (RS256, keys from the served
 *   JWKS, cached) against a bare `jsonwebtoken.verify` with the same public key and options.
 * Figures are printed as they come; the last line is one JSON object. Needs `npm run infra:up`.
 */
import './quietLogs.ts';
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { accessTokenAlgorithm, createLogger, envInt, errorMessage } from '@cashtrack/platform';
import { createAccessTokenVerifier, jwksKeySource } from '@cashtrack/platform/tokens';
import {
  gatewaySignedHeaders,
  kafkaForTests,
  mongoForTests,
  testNamespace,
} from '@cashtrack/test-support';
import { startAuthSubgraph, type RunningAuthSubgraph } from '../src/authSubgraph.ts';
import { authConfigFromEnv, type AuthConfig } from '../src/config.ts';
import { createPasswordHasher } from '../src/crypto/passwordHasher.ts';
import {
  percentileMs,
  perSecond,
  ratio,
  probeTcp,
  runBounded,
  type RunFigures,
} from './measure.ts';

const concurrency = envInt('BENCH_AUTH_CONCURRENCY', 8);
const loginBounds = {
  concurrency,
  maxCount: envInt('BENCH_AUTH_LOGINS', 1_000),
  maxMs: envInt('BENCH_AUTH_LOGIN_SECONDS', 5) * 1_000,
};
const verifyBounds = {
  concurrency: 1,
  maxCount: envInt('BENCH_AUTH_VERIFICATIONS', 50_000),
  maxMs: envInt('BENCH_AUTH_VERIFY_SECONDS', 2) * 1_000,
};
/** Alternating rounds of each pair; the best of each counts (a shared machine is noisy). */
const rounds = envInt('BENCH_AUTH_ROUNDS', 3);
const password = 'bench password 1234';

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function seconds(figures: RunFigures): string {
  return (figures.elapsedMs / 1000).toFixed(2);
}

interface GraphQLBody {
  readonly data?: Record<string, { readonly accessToken?: string } | null> | null;
  readonly errors?: readonly { readonly message: string }[];
}

/** Runs `signUp` or `logIn` and returns the access token, or throws with GraphQL's errors. */
async function authenticate(url: string, operation: 'signUp' | 'logIn', input: object) {
  const inputType = operation === 'signUp' ? 'SignUpInput' : 'LogInInput';
  const request = JSON.stringify({
    query: `mutation ($input: ${inputType}!) { ${operation}(input: $input) { accessToken } }`,
    variables: { input },
  });
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    // Auth answers only the gateway: the bench signs as it would.
    headers: {
      'content-type': 'application/json',
      ...gatewaySignedHeaders(`${url}/graphql`, { body: request }),
    },
    body: request,
  });
  const body = (await response.json()) as GraphQLBody;
  const token = body.data?.[operation]?.accessToken;
  if (token === undefined) throw new Error(`${operation}: ${JSON.stringify(body.errors)}`);
  return token;
}

/** Reachable Kafka and MongoDB, or one line saying which is not and exit 1. */
async function requireInfrastructure(config: AuthConfig): Promise<void> {
  const mongo = new URL(config.mongoUrl);
  const [kafkaHost = '127.0.0.1', kafkaPort = '9092'] = (config.kafkaBrokers[0] ?? '').split(':');
  const targets = [
    { name: 'MongoDB/FerretDB', host: mongo.hostname, port: Number(mongo.port || 27017) },
    { name: 'Kafka', host: kafkaHost, port: Number(kafkaPort) },
  ];
  for (const { name, host, port } of targets) {
    await probeTcp(host, port).catch((error: unknown) => {
      process.stderr.write(
        `auth bench: ${name} at ${host}:${port} is not reachable (${errorMessage(error)}); run \`npm run infra:up\` first\n`,
      );
      process.exit(1);
    });
  }
}

/**
 * Log-ins through GraphQL, in rounds alternating with bare scrypt verifications of one password at
 * the same concurrency and bounds (the log-in limit); best round of each, latency over all rounds.
 */
async function benchLogIns(config: AuthConfig, url: string) {
  const emails = Array.from({ length: concurrency }, (_, i) => `bench${i}@example.com`);
  for (const email of emails) {
    await authenticate(url, 'signUp', { email, password, displayName: 'Bench' });
  }
  const logIn = (index: number) =>
    authenticate(url, 'logIn', { email: emails[index % emails.length], password });
  await Promise.all(emails.map((_, i) => logIn(i))); // warm-up: connections, JIT, caches
  const hasher = await createPasswordHasher(config.passwordHashCost);
  const stored = await hasher.hash(password);

  const tokens: string[] = [];
  const latenciesMs: number[] = [];
  const loginRates: number[] = [];
  const scryptRates: number[] = [];
  for (let run = 1; run <= rounds; run += 1) {
    const logins = await runBounded(loginBounds, async (index) => {
      const token = await logIn(index);
      if (tokens.length < 100) tokens.push(token);
    });
    latenciesMs.push(...logins.latenciesMs);
    loginRates.push(perSecond(logins, 1));
    say(`  log-ins, round ${run}: ${logins.count} in ${seconds(logins)} s: ${loginRates.at(-1)}/s`);
    const scrypts = await runBounded(loginBounds, async () => {
      if (!(await hasher.verify(password, stored))) throw new Error('scrypt verify failed');
    });
    scryptRates.push(perSecond(scrypts, 1));
    say(`  bare scrypt verify, round ${run}: ${scryptRates.at(-1)}/s`);
  }
  const figures = {
    loginsPerSec: Math.max(...loginRates),
    loginP50Ms: percentileMs(latenciesMs, 50),
    loginP95Ms: percentileMs(latenciesMs, 95),
    scryptVerifyPerSec: Math.max(...scryptRates),
  };
  return { figures, tokens };
}

/** The public key the JWKS serves for the token's kid, as any verifier would build it. */
async function servedPublicKey(jwksUrl: string, token: string): Promise<KeyObject> {
  const kid = jwt.decode(token, { complete: true })?.header.kid;
  const jwks = (await (await fetch(jwksUrl)).json()) as {
    keys: (JsonWebKey & { kid?: string })[];
  };
  const jwk = jwks.keys.find((key) => key.kid === kid);
  if (jwk === undefined) throw new Error(`JWKS has no key ${kid}`);
  return createPublicKey({ key: jwk, format: 'jwk' });
}

async function benchVerification(config: AuthConfig, url: string, tokens: readonly string[]) {
  const jwksUrl = `${url}/.well-known/jwks.json`;
  const verifier = createAccessTokenVerifier({
    issuer: config.issuer,
    audience: config.audience,
    publicKeyFor: jwksKeySource({ jwksUrl }),
  });
  const publicKey = await servedPublicKey(jwksUrl, tokens[0] ?? '');
  const bareOptions = {
    algorithms: [accessTokenAlgorithm],
    issuer: config.issuer,
    audience: config.audience,
  } satisfies jwt.VerifyOptions;
  const tokenAt = (index: number): string => tokens[index % tokens.length] ?? '';
  const platform = (index: number) => verifier.verify(tokenAt(index)).then(() => undefined);
  const bare = (index: number): Promise<void> => {
    jwt.verify(tokenAt(index), publicKey, bareOptions);
    return Promise.resolve();
  };
  for (let i = 0; i < 2_000; i += 1) await Promise.all([platform(i), bare(i)]); // warm-up, JWKS cached

  const platformRates: number[] = [];
  const bareRates: number[] = [];
  for (let run = 1; run <= rounds; run += 1) {
    bareRates.push(perSecond(await runBounded(verifyBounds, bare)));
    say(`  bare jsonwebtoken.verify, round ${run}: ${bareRates.at(-1)}/s`);
    platformRates.push(perSecond(await runBounded(verifyBounds, platform)));
    say(`  platform verifier (JWKS keys cached), round ${run}: ${platformRates.at(-1)}/s`);
  }
  return {
    verificationsPerSec: Math.max(...platformRates),
    bareVerifyPerSec: Math.max(...bareRates),
  };
}

async function main(): Promise<void> {
  const namespace = testNamespace('authBench');
  const config: AuthConfig = {
    ...authConfigFromEnv(),
    port: 0,
    host: '127.0.0.1',
    database: `${namespace.database}_a`,
    topicPrefix: namespace.topicPrefix,
  };
  const cost = config.passwordHashCost;
  say(
    `auth bench (assumes \`npm run infra:up\`: Kafka ${config.kafkaBrokers.join(',')}, MongoDB ${config.mongoUrl}); ` +
      `scrypt N=2^${cost.log2N} r=${cost.r} p=${cost.p}, libuv pool ${process.env.UV_THREADPOOL_SIZE ?? 4}`,
  );
  await requireInfrastructure(config);
  let auth: RunningAuthSubgraph | undefined;
  try {
    auth = await startAuthSubgraph(config, { logger: createLogger('auth', 'stderr') });
    say(`auth subgraph at ${auth.url}, database ${config.database}`);
    say(
      `log-ins over GraphQL vs bare scrypt, ${concurrency} at once, rounds of up to ` +
        `${loginBounds.maxCount} or ${loginBounds.maxMs / 1000} s, best of ${rounds}:`,
    );
    const { figures: login, tokens } = await benchLogIns(config, auth.url);
    const loginRatio = ratio(login.loginsPerSec, login.scryptVerifyPerSec);
    say(
      `  best: ${login.loginsPerSec} log-ins/s (p50 ${login.loginP50Ms} ms, p95 ${login.loginP95Ms} ms ` +
        `over all rounds), bare scrypt ${login.scryptVerifyPerSec}/s, ratio ${loginRatio}`,
    );
    say(`access-token verifications in-process, ${rounds} alternating rounds, best of each:`);
    const verify = await benchVerification(config, auth.url, tokens);
    const verifyRatio = ratio(verify.verificationsPerSec, verify.bareVerifyPerSec);
    say(`  ratio platform verifier / bare jsonwebtoken.verify: ${verifyRatio}`);
    say(
      JSON.stringify({
        bench: 'auth',
        scryptLog2N: cost.log2N,
        concurrency,
        ...login,
        loginRatio,
        ...verify,
        verifyRatio,
      }),
    );
  } finally {
    await auth?.close();
    await (await mongoForTests(config.database)).close();
    const admin = kafkaForTests('auth-bench').admin();
    await admin.connect();
    const own = (await admin.listTopics()).filter((name) => name.startsWith(config.topicPrefix));
    if (own.length > 0) await admin.deleteTopics({ topics: own }).catch(() => undefined);
    await admin.disconnect();
  }
}

try {
  await main();
  process.exit(0);
} catch (error) {
  process.stderr.write(`auth bench failed: ${errorMessage(error)}\n`);
  process.exit(1);
}
