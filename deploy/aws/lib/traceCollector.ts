import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { SamplerName } from '../../../platform/src/tracing/tracingSettings.ts';
import { acceptNagFinding } from './nagSuppressions.ts';
import type { DeploymentProfile } from './profiles.ts';

/**
 * Traces in the cloud: every task runs AWS's distribution of the OpenTelemetry collector (ADOT)
 * beside its processes, which export their spans to it over OTLP/HTTP as they do to compose's
 * collector; it signs them with the task role (SigV4) and sends them to X-Ray's OTLP endpoint.
 * That endpoint takes W3C trace ids as they are (no X-Ray id generator in the processes) and
 * needs CloudWatch Transaction Search, an account-wide setting the README's deploy steps turn on.
 * The awsxray exporter is the older path AWS's ADOT documentation marks as deprecated.
 */

/** Pinned: a new collector is a reviewed change, not whatever `latest` is on the day of a deploy. */
export const adotCollectorImage = 'public.ecr.aws/aws-observability/aws-otel-collector:v0.49.0';

/** Compose's collector service name, so `small`'s processes reach it by compose's own URL. */
export const traceCollectorName = 'otel-collector';

const otlpHttpPort = 4318;

/**
 * What the collector reserves in its task (the cost model prices it), what it holds before it
 * refuses spans, and its container's hard limit above that.
 */
export const collectorMemory = { reservationMiB: 64, limiterMiB: 100, hardLimitMiB: 128 } as const;

/** Where a process sends its spans: the collector linked by name on one host, the task's own beside it on Fargate. */
function collectorUrl(profile: DeploymentProfile): string {
  const host = profile.shape === 'single-host' ? traceCollectorName : '127.0.0.1';
  return `http://${host}:${otlpHttpPort}`;
}

const sampler: SamplerName = 'parentbased_traceidratio';

/**
 * The tracing variables of every process: the collector's endpoint, and a sampler that keeps the
 * profile's share of new traces and follows the caller's decision otherwise, so a trace is kept
 * or dropped whole across processes and Kafka.
 */
export function tracingEnvironment(profile: DeploymentProfile): Readonly<Record<string, string>> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl(profile),
    OTEL_TRACES_SAMPLER: sampler,
    OTEL_TRACES_SAMPLER_ARG: String(profile.traceSampleRatio),
  };
}

/**
 * The collector's configuration, as JSON (which YAML reads): OTLP/HTTP in, bounded memory,
 * batches, X-Ray's OTLP endpoint out, signed with the task's credentials. `listenHost` is
 * `0.0.0.0` where other containers reach it over links, `127.0.0.1` where they share its network.
 */
export function collectorConfig(region: string, listenHost: string): string {
  return JSON.stringify({
    extensions: { sigv4auth: { region, service: 'xray' } },
    receivers: {
      otlp: { protocols: { http: { endpoint: `${listenHost}:${otlpHttpPort}` } } },
    },
    processors: {
      memory_limiter: {
        check_interval: '1s',
        limit_mib: collectorMemory.limiterMiB,
        spike_limit_mib: 25,
      },
      batch: {},
    },
    exporters: {
      otlphttp: {
        traces_endpoint: `https://xray.${region}.amazonaws.com/v1/traces`,
        auth: { authenticator: 'sigv4auth' },
      },
    },
    service: {
      extensions: ['sigv4auth'],
      pipelines: {
        traces: {
          receivers: ['otlp'],
          processors: ['memory_limiter', 'batch'],
          exporters: ['otlphttp'],
        },
      },
    },
  });
}

export interface TraceCollectorProps {
  readonly logGroup: logs.ILogGroup;
  readonly region: string;
  readonly listenHost: '0.0.0.0' | '127.0.0.1';
  /** The task's SIGTERM grace, which lets the collector send what it has batched. */
  readonly stopTimeout: Duration;
}

/**
 * Adds the collector to `taskDefinition` and lets its task role write spans to X-Ray, nothing
 * else. Not essential: a collector that dies is restarted in place and loses spans, never the
 * task's processes. No CPU of its own: it runs on what the processes leave idle.
 */
export function addTraceCollector(
  taskDefinition: ecs.TaskDefinition,
  props: TraceCollectorProps,
): ecs.ContainerDefinition {
  const container = taskDefinition.addContainer(traceCollectorName, {
    image: ecs.ContainerImage.fromRegistry(adotCollectorImage),
    essential: false,
    memoryReservationMiB: collectorMemory.reservationMiB,
    memoryLimitMiB: collectorMemory.hardLimitMiB,
    logging: ecs.LogDrivers.awsLogs({ streamPrefix: traceCollectorName, logGroup: props.logGroup }),
    // ADOT reads its whole configuration from this variable when it is set.
    environment: { AOT_CONFIG_CONTENT: collectorConfig(props.region, props.listenHost) },
    stopTimeout: props.stopTimeout,
    enableRestartPolicy: true,
    restartAttemptPeriod: Duration.seconds(60),
  });
  taskDefinition.taskRole.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['xray:PutTraceSegments'], resources: ['*'] }),
  );
  acceptNagFinding(
    taskDefinition.taskRole,
    'IAM5[Resource::*]',
    "xray:PutTraceSegments, which authorises X-Ray's OTLP traces endpoint, has no resource-level permission; it only writes spans",
  );
  return container;
}
