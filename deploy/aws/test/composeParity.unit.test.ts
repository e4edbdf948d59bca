import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { repoRoot } from '../lib/cashtrackStack.ts';
import { adotCollectorImage, traceCollectorName } from '../lib/traceCollector.ts';
import { synthesize } from './synthesizedStack.ts';

/**
 * docker compose stays the one-machine path; this holds it and the CDK app's small profile (the
 * same shape on one host) to the same processes, entry points, ports, variables and images of
 * Kafka and MongoDB, so a change to one that forgets the other fails here.
 */

interface ComposeService {
  build?: unknown;
  image?: string;
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
}

interface CdkContainer {
  readonly image: unknown;
  readonly environment: ReadonlyMap<string, unknown>;
  readonly secrets: readonly string[];
  readonly healthCommand: string | undefined;
}

/** Variables only compose sets, and why the cloud has none. */
const composeOnly: Readonly<Record<string, string>> = {
  GATEWAY_PLAYGROUND: 'GraphiQL is for development; the image runs with NODE_ENV=production',
  GATEWAY_INTROSPECTION: 'introspection is for development, as above',
  OPENAI_BASE_URL: "compose passes the shell's through; unset means OpenAI's API, as in the cloud",
  METRICS_TOKEN:
    "compose's Prometheus scrapes /metrics from its own container with it; the CDK app deploys no scraper yet, so there /metrics answers only callers inside the task (loopback)",
};

/** Variables only the cloud sets, and why compose has none. */
const cloudOnly: Readonly<Record<string, string>> = {
  GATEWAY_TRUST_PROXY: 'CloudFront is one proxy in front of the gateway',
  OTEL_TRACES_SAMPLER:
    "compose keeps every trace (the SDK's default sampler); the cloud keeps its profile's share of new traces, following the caller's decision",
  OTEL_TRACES_SAMPLER_ARG:
    "the profile's share (deploy/aws/lib/profiles.ts): small keeps every trace, as compose does",
};

/**
 * Variables that hold credentials, which the cloud hands over from Secrets Manager. (MONGO_URL is
 * one where it holds a password, as production's Atlas string does; on the small host, as in
 * compose, it names the MongoDB container beside the process.)
 */
const secrets = ['SUBGRAPH_SHARED_SECRET', 'OPENAI_API_KEY'];

let compose: Record<string, ComposeService>;
let composeDataServices: Record<string, ComposeService>;
let composeCollector: ComposeService | undefined;
let cloud: Map<string, CdkContainer>;

beforeAll(() => {
  const file = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
  };
  compose = Object.fromEntries(
    Object.entries(file.services).filter(([, service]) => service.build !== undefined),
  );
  composeDataServices = { kafka: file.services.kafka!, mongo: file.services.mongo! };
  composeCollector = file.services[traceCollectorName];
  const resources = synthesize('small').template.toJSON().Resources as Record<
    string,
    { Type: string; Properties?: { ContainerDefinitions?: unknown[] } }
  >;
  cloud = new Map(
    Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ECS::TaskDefinition')
      .flatMap((task) => task.Properties?.ContainerDefinitions ?? [])
      .map((entry) => {
        const definition = entry as {
          Name: string;
          Image: unknown;
          Environment?: { Name: string; Value: unknown }[];
          Secrets?: { Name: string }[];
          HealthCheck?: { Command: string[] };
        };
        return [
          definition.Name,
          {
            image: definition.Image,
            environment: new Map(
              (definition.Environment ?? []).map((variable) => [variable.Name, variable.Value]),
            ),
            secrets: (definition.Secrets ?? []).map((secret) => secret.Name),
            healthCommand: definition.HealthCheck?.Command.join(' '),
          },
        ];
      }),
  );
}, 240_000);

function cloudProcess(name: string): CdkContainer {
  const found = cloud.get(name);
  if (found === undefined) throw new Error(`the CDK app has no container ${name}`);
  return found;
}

/** `${OPENAI_MODEL:-gpt-4o-mini}` → `gpt-4o-mini`: what compose uses when the shell sets nothing. */
function composeDefault(value: string | number): string {
  const text = String(value);
  return /^\$\{[A-Z_]+:-(.*)\}$/.exec(text)?.[1] ?? text;
}

describe('docker-compose.yml and the CDK app', () => {
  it('run the same processes from the same image entry points', () => {
    const cloudProcesses = [...cloud.keys()].filter(
      (name) => !(name in composeDataServices) && name !== traceCollectorName,
    );
    expect(cloudProcesses.sort()).toEqual(Object.keys(compose).sort());
    for (const [name, service] of Object.entries(compose)) {
      expect({ name, entry: cloudProcess(name).environment.get('SERVICE_ENTRY') }).toEqual({
        name,
        entry: service.environment?.SERVICE_ENTRY,
      });
    }
  });

  it('probe the same /ready on the same ports', () => {
    for (const [name, service] of Object.entries(compose)) {
      const composeProbe = service.healthcheck?.test.join(' ') ?? '';
      const port = /127\.0\.0\.1:(\d+)\/ready/.exec(composeProbe)?.[1];
      expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^\d+$/) });
      expect(cloudProcess(name).healthCommand).toContain(`127.0.0.1:${port}/ready`);
    }
  });

  it('run the same Kafka and MongoDB images, the broker configured alike', () => {
    for (const [name, service] of Object.entries(composeDataServices)) {
      expect({ name, image: cloudProcess(name).image }).toEqual({ name, image: service.image });
    }
    const composeBroker = Object.entries(composeDataServices.kafka?.environment ?? {}).map(
      ([variable, value]) => [variable, String(value)],
    );
    const cloudBroker = [...cloudProcess('kafka').environment.entries()].filter(
      ([variable]) => !(variable in cloudOnly),
    );
    expect(Object.fromEntries(cloudBroker)).toEqual(Object.fromEntries(composeBroker));
  });

  it('run a trace collector under the same name, so each process sends its spans to the same URL', () => {
    // The image differs by design: compose's sends to Jaeger, the cloud's (ADOT) to X-Ray.
    expect(composeCollector?.image).toMatch(/opentelemetry-collector/);
    expect(cloudProcess(traceCollectorName).image).toBe(adotCollectorImage);
    for (const [name, service] of Object.entries(compose)) {
      const endpoint = service.environment?.OTEL_EXPORTER_OTLP_ENDPOINT;
      expect({ name, endpoint }).toEqual({ name, endpoint: `http://${traceCollectorName}:4318` });
      expect({
        name,
        cloud: cloudProcess(name).environment.get('OTEL_EXPORTER_OTLP_ENDPOINT'),
      }).toEqual({
        name,
        cloud: endpoint,
      });
    }
  });

  it('publish only the gateway among the GraphQL services', () => {
    const published = Object.entries(compose)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name]) => name);
    for (const subgraph of ['auth', 'user', 'expense']) expect(published).not.toContain(subgraph);
    expect(published).toContain('gateway');
  });

  it('set the same variables, secrets as secrets, with every difference named and explained', () => {
    for (const [name, service] of Object.entries(compose)) {
      const composeNames = Object.keys(service.environment ?? {}).filter(
        (variable) => !(variable in composeOnly),
      );
      const process = cloudProcess(name);
      const cloudNames = [...process.environment.keys(), ...process.secrets].filter(
        (variable) => !(variable in cloudOnly),
      );
      expect({ name, variables: cloudNames.sort() }).toEqual({
        name,
        variables: composeNames.sort(),
      });
      expect({ name, secrets: [...process.secrets].sort() }).toEqual({
        name,
        secrets: composeNames.filter((variable) => secrets.includes(variable)).sort(),
      });
    }
  });

  it('agree on the values that are not addresses of the platform', () => {
    for (const [name, service] of Object.entries(compose)) {
      const process = cloudProcess(name);
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        const cloudValue = process.environment.get(variable);
        if (typeof cloudValue !== 'string') continue;
        if (/_URLS?$/.test(variable)) {
          // Another host name (Cloud Map instead of compose's network), the same port and path.
          const composeUrl = new URL(composeDefault(value));
          const cloudUrl = new URL(cloudValue);
          expect({ variable, port: cloudUrl.port, path: cloudUrl.pathname }).toEqual({
            variable,
            port: composeUrl.port,
            path: composeUrl.pathname,
          });
          expect(cloudUrl.hostname.split('.')[0]).toBe(composeUrl.hostname);
        } else {
          expect({ variable, value: cloudValue }).toEqual({
            variable,
            value: composeDefault(value),
          });
        }
      }
    }
  });
});
