import { CodedError } from '../../../platform/src/errors.ts';

/**
 * What differs between environments, and nothing else: each stack is built from one of these.
 * `small` is the profile a person can leave running; `production` spreads over two zones with
 * headroom. Prices behind these choices are in the README's deployment section.
 */
export type KafkaProfile =
  | {
      /** MSK Serverless: IAM authentication only, billed per cluster-hour and partition-hour. */
      readonly kind: 'msk-serverless';
    }
  | {
      /** MSK provisioned brokers with IAM authentication (port 9098), one per zone or more. */
      readonly kind: 'msk-provisioned';
      readonly instanceType: string;
      /** A multiple of the number of availability zones (2). */
      readonly brokers: number;
      readonly volumeGiB: number;
      readonly kafkaVersion: string;
    };

/** Fargate size of one task: CPU units (1024 = one vCPU) and memory in MiB, as Fargate pairs them. */
export interface TaskSize {
  readonly cpu: 256 | 512 | 1024 | 2048 | 4096;
  readonly memoryMiB: number;
}

export interface ScaledTasks extends TaskSize {
  readonly minTasks: number;
  readonly maxTasks: number;
}

export interface DeploymentProfile {
  readonly name: 'small' | 'production';
  /**
   * `instance`: one t4g.nano NAT instance (a few dollars a month, one zone: egress stops while it
   * is replaced). `gateway`: a managed NAT gateway per zone.
   */
  readonly nat: 'instance' | 'gateway';
  readonly kafka: KafkaProfile;
  /** Per process; the parser and the expense projector never exceed a topic's 6 partitions. */
  readonly tasks: {
    readonly gateway: ScaledTasks;
    readonly auth: ScaledTasks;
    readonly user: ScaledTasks;
    readonly expense: ScaledTasks;
    readonly parserWorker: ScaledTasks;
  };
  /** `openai`: the parser asks a model (key from Secrets Manager) first; `rules`: never. */
  readonly parserModel: 'openai' | 'rules';
  readonly logRetentionDays: 7 | 30 | 90;
  /** CloudWatch Container Insights: per-task metrics, billed as custom metrics. */
  readonly containerInsights: boolean;
}

const smallTask = { cpu: 256, memoryMiB: 512 } as const;

export const profiles: Readonly<Record<DeploymentProfile['name'], DeploymentProfile>> = {
  small: {
    name: 'small',
    nat: 'instance',
    kafka: { kind: 'msk-serverless' },
    tasks: {
      gateway: { ...smallTask, minTasks: 1, maxTasks: 2 },
      // scrypt at N = 2^15 needs 32 MiB per log-in in flight; 512 MiB leaves room for a few.
      auth: { ...smallTask, minTasks: 1, maxTasks: 1 },
      user: { ...smallTask, minTasks: 1, maxTasks: 1 },
      expense: { ...smallTask, minTasks: 1, maxTasks: 2 },
      parserWorker: { ...smallTask, minTasks: 1, maxTasks: 2 },
    },
    parserModel: 'openai',
    logRetentionDays: 7,
    containerInsights: false,
  },
  production: {
    name: 'production',
    nat: 'gateway',
    kafka: {
      kind: 'msk-provisioned',
      instanceType: 'kafka.m7g.large',
      brokers: 2,
      volumeGiB: 100,
      kafkaVersion: '3.9.x',
    },
    tasks: {
      gateway: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 10 },
      auth: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 4 },
      user: { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 4 },
      expense: { cpu: 512, memoryMiB: 1024, minTasks: 2, maxTasks: 6 },
      parserWorker: { cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 6 },
    },
    parserModel: 'openai',
    logRetentionDays: 30,
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
