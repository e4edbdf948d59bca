import { CodedError } from '../../../platform/src/errors.ts';

/**
 * What differs between environments, and nothing else: each stack is built from one of these.
 * `small` is the whole system on one instance, affordable to leave running; `production` runs
 * each process as its own Fargate service behind a load balancer, on provisioned MSK. Prices
 * behind these choices are in `costs/` and the README's deployment section.
 */

/** Fargate size of one task: CPU units (1024 = one vCPU) and memory in MiB, as Fargate pairs them. */
export interface TaskSize {
  readonly cpu: 256 | 512 | 1024 | 2048 | 4096;
  readonly memoryMiB: number;
}

export interface ScaledTasks extends TaskSize {
  readonly minTasks: number;
  readonly maxTasks: number;
}

/** Settings every profile has. */
interface CommonProfile {
  /** `openai`: the parser asks a model (key from Secrets Manager) first; `rules`: never. */
  readonly parserModel: 'openai' | 'rules';
  readonly logRetentionDays: 7 | 30 | 90;
  /**
   * The share of new traces kept (0 to 1, `OTEL_TRACES_SAMPLER_ARG`); a trace continued from a
   * caller follows the caller's decision. X-Ray bills the spans kept by the GB.
   */
  readonly traceSampleRatio: number;
}

/**
 * One Graviton instance runs everything as ECS on EC2: the five processes, one KRaft Kafka broker
 * and MongoDB, as one task of linked containers (compose's shape). Kafka's and MongoDB's data live
 * on an EBS volume of their own, which outlives the instance. No autoscaling: one instance.
 */
export interface SingleHostProfile extends CommonProfile {
  readonly name: 'small';
  readonly shape: 'single-host';
  /** A Graviton (arm64) type: the image is built for arm64. */
  readonly instanceType: 't4g.small' | 't4g.medium' | 't4g.large';
  /** The ECS-optimised AMI asks for 30 GiB; images and container layers live here. */
  readonly rootVolumeGiB: number;
  /** Kafka's log and MongoDB's files. */
  readonly dataVolumeGiB: number;
  /** Memory each container is sure of (ECS's soft reservation); their sum fits the instance. */
  readonly memoryReservationMiB: {
    readonly kafka: number;
    readonly mongo: number;
    readonly process: number;
  };
  /** The NAT the private subnet leaves through: one t4g.nano NAT instance. */
  readonly nat: 'instance';
}

/** MSK provisioned brokers with IAM authentication (port 9098), one per zone or more. */
export interface MskProvisionedProfile {
  readonly instanceType: string;
  /** A multiple of the number of availability zones (2). */
  readonly brokers: number;
  readonly volumeGiB: number;
  readonly kafkaVersion: string;
}

/** Every process its own Fargate service, a load balancer in front, MSK and MongoDB Atlas. */
export interface DistributedProfile extends CommonProfile {
  readonly name: 'production';
  readonly shape: 'distributed';
  /** A managed NAT gateway per zone. */
  readonly nat: 'gateway';
  readonly kafka: MskProvisionedProfile;
  /** Per process; the parser and the expense projector never exceed a topic's 6 partitions. */
  readonly tasks: {
    readonly gateway: ScaledTasks;
    readonly auth: ScaledTasks;
    readonly user: ScaledTasks;
    readonly expense: ScaledTasks;
    readonly parserWorker: ScaledTasks;
  };
  /** CloudWatch Container Insights: per-task metrics, billed as custom metrics. */
  readonly containerInsights: boolean;
}

export type DeploymentProfile = SingleHostProfile | DistributedProfile;

export const profiles: {
  readonly small: SingleHostProfile;
  readonly production: DistributedProfile;
} = {
  small: {
    name: 'small',
    shape: 'single-host',
    // 4 GiB: the broker (512 MiB heap), MongoDB (256 MiB cache) and five Node processes with room;
    // a t4g.small's 2 GiB would leave the processes about 150 MiB each.
    instanceType: 't4g.medium',
    rootVolumeGiB: 30,
    dataVolumeGiB: 20,
    memoryReservationMiB: { kafka: 768, mongo: 512, process: 256 },
    nat: 'instance',
    parserModel: 'openai',
    logRetentionDays: 7,
    // Every trace: a few hundred people's requests are a few GB of spans a month (costs/), and on
    // one host a slow request is rare enough that the one an operator looks for must be there.
    traceSampleRatio: 1,
  },
  production: {
    name: 'production',
    shape: 'distributed',
    nat: 'gateway',
    kafka: {
      instanceType: 'kafka.m7g.large',
      brokers: 2,
      volumeGiB: 100,
      kafkaVersion: '3.9.x',
    },
    tasks: {
      gateway: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 10 },
      // scrypt at N = 2^15 needs 32 MiB per log-in in flight; 1 GiB leaves room for many.
      auth: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 4 },
      user: { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 4 },
      expense: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 6 },
      parserWorker: { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 6 },
    },
    parserModel: 'openai',
    logRetentionDays: 30,
    // One trace in ten: ten times small's traffic stays at small's span bill, and issue 17's
    // overhead goal (under 5% of throughput) is measured at 10% (`npm run bench:observability`).
    traceSampleRatio: 0.1,
    containerInsights: true,
  },
};

/** The profile a `--context profile=<name>` names; an unknown name is a synth error that lists the known ones. */
export function profileNamed(name: string): DeploymentProfile {
  const profile = (profiles as Readonly<Record<string, DeploymentProfile>>)[name];
  if (profile === undefined) {
    throw new CodedError(
      'UNKNOWN_DEPLOYMENT_PROFILE',
      `unknown deployment profile "${name}"; known: ${Object.keys(profiles).join(', ')}`,
    );
  }
  return profile;
}
