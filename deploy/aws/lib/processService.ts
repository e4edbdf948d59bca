import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { KafkaCluster } from './kafkaCluster.ts';
import type { ProcessSpec } from './processes.ts';
import type { DistributedProfile } from './profiles.ts';
import { acceptNagFinding } from './nagSuppressions.ts';
import type { ServiceSecrets } from './serviceSecrets.ts';
import { addTraceCollector } from './traceCollector.ts';

export interface ProcessServiceProps {
  readonly cluster: ecs.ICluster;
  readonly image: ecs.ContainerImage;
  readonly spec: ProcessSpec;
  readonly profile: DistributedProfile;
  readonly kafka: KafkaCluster;
  readonly secrets: ServiceSecrets;
}

/** The same probe compose runs: `/ready` on the process's own port, from inside the container. */
export function readyHealthCheck(port: number): ecs.HealthCheck {
  return {
    command: [
      'CMD',
      'node',
      '-e',
      `fetch('http://127.0.0.1:${port}/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
    ],
    interval: Duration.seconds(10),
    timeout: Duration.seconds(5),
    retries: 3,
    startPeriod: Duration.seconds(60),
  };
}

/** How long a task has after SIGTERM; our processes drain and exit well within it. */
export const stopTimeout = Duration.seconds(30);

/**
 * One process as an ECS service on Fargate: its own task definition, log group, security group
 * (no ingress until a caller is allowed in, egress only where it must reach), task role with its
 * Kafka rights, and a Cloud Map name `<name>.cashtrack.internal`. A trace collector runs beside
 * the process in each task (a sidecar, as AWS's ECS guide has ADOT): spans go to 127.0.0.1, need
 * no security group rule or Cloud Map name, and the collectors scale with the tasks.
 */
export class ProcessService extends Construct {
  readonly service: ecs.FargateService;
  readonly securityGroup: ec2.SecurityGroup;
  readonly scaling: ecs.ScalableTaskCount;
  readonly spec: ProcessSpec;

  constructor(scope: Construct, id: string, props: ProcessServiceProps) {
    super(scope, id);
    const { spec, profile, kafka, secrets, cluster } = props;
    const size = profile.tasks[spec.taskSize];
    this.spec = spec;

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: size.cpu,
      memoryLimitMiB: size.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: profile.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    taskDefinition.addContainer(spec.name, {
      image: props.image,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: spec.name, logGroup }),
      environment: {
        SERVICE_ENTRY: spec.entry,
        KAFKA_BROKERS: kafka.bootstrapBrokers,
        KAFKA_SASL_MECHANISM: 'aws-msk-iam',
        AWS_REGION: Stack.of(this).region,
        ...spec.environment,
      },
      secrets: secrets.forContainer(spec.secrets),
      portMappings: [{ containerPort: spec.port, name: spec.name }],
      healthCheck: readyHealthCheck(spec.port),
      stopTimeout,
    });
    addTraceCollector(taskDefinition, {
      logGroup,
      region: Stack.of(this).region,
      listenHost: '127.0.0.1',
      stopTimeout,
    });
    kafka.grantClient(taskDefinition.taskRole, spec.kafkaGroups, spec.topics);
    acceptNagFinding(
      taskDefinition,
      'ECS2',
      'the environment holds plain settings (hosts, ports, URLs, broker list); every secret comes from Secrets Manager through `secrets`, and a test checks none is in the environment',
    );
    acceptNagFinding(
      taskDefinition,
      'IAM5[Resource::*]',
      'ecr:GetAuthorizationToken, which pulls the image, has no resource-level permission',
    );

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: cluster.vpc,
      description: `${spec.name}: callers are allowed in one by one`,
      allowAllOutbound: false,
    });
    // AWS APIs (ECR, Secrets Manager, CloudWatch Logs), and the model API for the parser, over
    // HTTPS through the NAT. DNS goes to the VPC resolver, which security groups do not filter.
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS: AWS APIs, model API',
    );
    if (Object.values(spec.secrets).includes('mongoUrl')) {
      this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(27017), 'MongoDB Atlas');
    }
    kafka.allowClient(this.securityGroup, spec.name);

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: size.minTasks,
      securityGroups: [this.securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      cloudMapOptions: { name: spec.name, dnsTtl: Duration.seconds(10) },
      // Rolling deploys start the new task before stopping an old one, and roll back a release
      // whose tasks never become healthy.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });
    this.scaling = this.service.autoScaleTaskCount({
      minCapacity: size.minTasks,
      maxCapacity: size.maxTasks,
    });
  }

  /** Lets `caller` open connections to this process's port. */
  allowFrom(caller: ProcessService): void {
    this.securityGroup.addIngressRule(
      caller.securityGroup,
      ec2.Port.tcp(this.spec.port),
      `${caller.spec.name} calls ${this.spec.name}`,
    );
    caller.securityGroup.addEgressRule(
      this.securityGroup,
      ec2.Port.tcp(this.spec.port),
      `${caller.spec.name} calls ${this.spec.name}`,
    );
  }
}
