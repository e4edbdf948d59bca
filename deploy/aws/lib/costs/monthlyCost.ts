import { processSpecs } from '../processes.ts';
import { collectorMemory } from '../traceCollector.ts';
import type { DeploymentProfile, DistributedProfile, SingleHostProfile } from '../profiles.ts';
import { hoursPerMonth, prices, type PriceName } from './prices.ts';

/** What a profile's month is assumed to carry: the figures the usage-priced lines rest on. */
export interface MonthlyUsage {
  /** Requests through the front door. */
  readonly requests: number;
  /** GB answered to clients. */
  readonly gbOut: number;
  /** GB of logs written to CloudWatch. */
  readonly logGb: number;
  /** Load balancer capacity units used on average (distributed only). */
  readonly loadBalancerCapacityUnits: number;
  /** GB leaving through NAT gateways (distributed only). */
  readonly natGatewayGb: number;
  /** Traces read by searches in the X-Ray console (an operator's, a few hundred a day). */
  readonly tracesScanned: number;
}

/**
 * A few hundred people: 300 who each send ~100 requests a day (expenses, lists, a subscription
 * or two) of ~4 KB answers, and ~1 GB of request and process logs.
 */
export const usageByProfile: Readonly<Record<DeploymentProfile['name'], MonthlyUsage>> = {
  small: {
    requests: 900_000,
    gbOut: 3.6,
    logGb: 1,
    loadBalancerCapacityUnits: 0,
    natGatewayGb: 0,
    tracesScanned: 100_000,
  },
  production: {
    requests: 9_000_000,
    gbOut: 36,
    logGb: 10,
    loadBalancerCapacityUnits: 5,
    natGatewayGb: 10,
    tracesScanned: 1_000_000,
  },
};

/** One line of a month's bill: a dollar figure from named prices, or a named gap. */
export interface CostLine {
  readonly item: string;
  /** Undefined where no price was found: the line says so instead of guessing. */
  readonly usd: number | undefined;
  readonly prices: readonly PriceName[];
}

const priced = (item: string, usd: number, ...names: PriceName[]): CostLine => ({
  item,
  usd,
  prices: names,
});
const hourly = (name: PriceName, count = 1) => prices[name].usd * hoursPerMonth * count;
const hostHour: Readonly<Record<SingleHostProfile['instanceType'], PriceName>> = {
  't4g.small': 't4gSmallHour',
  't4g.medium': 't4gMediumHour',
  't4g.large': 't4gLargeHour',
};
/** The image in ECR: about half a GB of layers. */
const imageGb = 0.5;
/** The NAT instance's root volume (the stock AL2023 AMI's). */
const natRootGiB = 8;
/**
 * Spans in a kept trace, on average: a `logExpense` makes about a dozen (gateway, subgraph fetch,
 * outbox, Kafka publish and consume, parser, projector, subscription), a query three or four.
 */
const spansPerTrace = 6;
/** A span as X-Ray stores it (OpenTelemetry's JSON with its attributes), in KB; an estimate. */
const kbPerSpan = 1;

/**
 * Traces: the spans the profile's sampling keeps, billed by the GB once Transaction Search is on;
 * the 1 % of traces it indexes as summaries by default are free, and searches scan those.
 */
function tracingLines(profile: DeploymentProfile, usage: MonthlyUsage): CostLine[] {
  const traces = usage.requests * profile.traceSampleRatio;
  const spansGb = (traces * spansPerTrace * kbPerSpan) / 1_000_000;
  return [
    priced(
      `X-Ray spans: ${traces.toLocaleString('en-US')} traces (${profile.traceSampleRatio * 100} % sampled) × ${spansPerTrace} spans, ${spansGb.toFixed(1)} GB`,
      spansGb * prices.xraySpansIngestedGb.usd,
      'xraySpansIngestedGb',
    ),
    priced(
      `X-Ray trace summaries: 1 % indexed (free), ${usage.tracesScanned.toLocaleString('en-US')} scanned by searches`,
      (usage.tracesScanned / 1_000_000) * prices.xrayTracesScannedMillion.usd,
      'xrayTracesScannedMillion',
    ),
  ];
}

function singleHostLines(profile: SingleHostProfile, usage: MonthlyUsage): CostLine[] {
  const gb = profile.rootVolumeGiB + profile.dataVolumeGiB + natRootGiB;
  const secrets = profile.parserModel === 'openai' ? 2 : 1;
  return [
    priced(
      `EC2 ${profile.instanceType}: the five processes, Kafka, MongoDB, the trace collector`,
      hourly(hostHour[profile.instanceType]),
      hostHour[profile.instanceType],
    ),
    priced('EC2 t4g.nano NAT instance', hourly('t4gNanoHour'), 't4gNanoHour'),
    priced(
      `EBS gp3: ${profile.rootVolumeGiB} GiB root, ${profile.dataVolumeGiB} GiB data, ${natRootGiB} GiB NAT root`,
      gb * prices.ebsGp3GbMonth.usd,
      'ebsGp3GbMonth',
    ),
    priced(
      'public IPv4: the NAT instance’s (the host has none)',
      hourly('publicIpv4Hour'),
      'publicIpv4Hour',
    ),
    priced(
      `CloudFront: ${usage.requests.toLocaleString('en-US')} HTTPS requests, ${usage.gbOut} GB out`,
      (usage.requests / 10_000) * prices.cloudFrontTenThousandRequests.usd +
        usage.gbOut * prices.cloudFrontGbOut.usd,
      'cloudFrontTenThousandRequests',
      'cloudFrontGbOut',
    ),
    priced(`Secrets Manager: ${secrets} secrets`, secrets * prices.secretMonth.usd, 'secretMonth'),
    logsLine(usage),
    ...tracingLines(profile, usage),
    priced('ECR: the image', imageGb * prices.ecrStoredGbMonth.usd, 'ecrStoredGbMonth'),
  ];
}

function distributedLines(profile: DistributedProfile, usage: MonthlyUsage): CostLine[] {
  const tasks = processSpecs(profile).map((spec) => profile.tasks[spec.taskSize]);
  const vcpuHours = tasks.reduce((sum, task) => sum + (task.cpu / 1024) * task.minTasks, 0);
  const gbHours = tasks.reduce((sum, task) => sum + (task.memoryMiB / 1024) * task.minTasks, 0);
  const taskCount = tasks.reduce((sum, task) => sum + task.minTasks, 0);
  // The collector sidecars' share of the tasks' memory: inside the task sizes, so the bill does
  // not grow, but it is what tracing takes from the processes. CPU: none reserved.
  const collectorGb = (taskCount * collectorMemory.reservationMiB) / 1024;
  const zones = 2;
  return [
    priced(
      `Fargate ARM: ${taskCount} tasks at their minimum (${vcpuHours} vCPU, ${gbHours} GB), less the collectors' share`,
      hourly('fargateArmVcpuHour', vcpuHours) + hourly('fargateArmGbHour', gbHours - collectorGb),
      'fargateArmVcpuHour',
      'fargateArmGbHour',
    ),
    priced(
      `Fargate ARM: the trace collector in each task, ${collectorMemory.reservationMiB} MiB of it (${collectorGb} GB)`,
      hourly('fargateArmGbHour', collectorGb),
      'fargateArmGbHour',
    ),
    priced(
      `NAT gateways: ${zones}, ${usage.natGatewayGb} GB through them`,
      hourly('natGatewayHour', zones) + usage.natGatewayGb * prices.natGatewayGb.usd,
      'natGatewayHour',
      'natGatewayGb',
    ),
    priced(
      `Application Load Balancer, ~${usage.loadBalancerCapacityUnits} LCU`,
      hourly('albHour') + hourly('albLcuHour', usage.loadBalancerCapacityUnits),
      'albHour',
      'albLcuHour',
    ),
    priced(
      `public IPv4: load balancer (${zones}), NAT gateways (${zones})`,
      hourly('publicIpv4Hour', 2 * zones),
      'publicIpv4Hour',
    ),
    priced(
      'MongoDB Atlas M10 (dedicated; an M30 is about $388)',
      prices.atlasM10Month.usd,
      'atlasM10Month',
    ),
    priced('Secrets Manager: 3 secrets', 3 * prices.secretMonth.usd, 'secretMonth'),
    logsLine(usage),
    ...tracingLines(profile, usage),
    priced('Cloud Map’s private DNS zone', prices.route53ZoneMonth.usd, 'route53ZoneMonth'),
    priced('ECR: the image', imageGb * prices.ecrStoredGbMonth.usd, 'ecrStoredGbMonth'),
    {
      item: `MSK: ${profile.kafka.brokers} × ${profile.kafka.instanceType}, ${profile.kafka.brokers} × ${profile.kafka.volumeGiB} GiB; Container Insights`,
      usd: undefined,
      prices: [],
    },
  ];
}

function logsLine(usage: MonthlyUsage): CostLine {
  // Stored: on average half a month's logs, the rest expired by the retention.
  return priced(
    `CloudWatch Logs: ${usage.logGb} GB written`,
    usage.logGb * prices.logsIngestedGb.usd + (usage.logGb / 2) * prices.logsStoredGbMonth.usd,
    'logsIngestedGb',
    'logsStoredGbMonth',
  );
}

/** A profile's monthly bill, line by line, at its minimum size and `usageByProfile`'s load. */
export function monthlyCost(profile: DeploymentProfile): CostLine[] {
  const usage = usageByProfile[profile.name];
  return profile.shape === 'single-host'
    ? singleHostLines(profile, usage)
    : distributedLines(profile, usage);
}

/** The sum of the priced lines; `unpriced` counts the lines without a price. */
export function monthlyTotal(lines: readonly CostLine[]): { usd: number; unpriced: number } {
  return {
    usd: lines.reduce((sum, line) => sum + (line.usd ?? 0), 0),
    unpriced: lines.filter((line) => line.usd === undefined).length,
  };
}
