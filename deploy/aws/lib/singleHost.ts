import { Duration, RemovalPolicy, Size, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { dataVolumeUserData, hostDataRoot } from './dataVolumeUserData.ts';
import { kafkaService, mongoService, type HostDataService } from './hostDataServices.ts';
import { acceptNagFinding, acceptWildcardResource } from './nagSuppressions.ts';
import { processSpecs, type ProcessSpec } from './processes.ts';
import { readyHealthCheck, stopTimeout } from './processService.ts';
import type { SingleHostProfile } from './profiles.ts';
import type { ServiceSecrets } from './serviceSecrets.ts';
import { addTraceCollector, traceCollectorName } from './traceCollector.ts';

export interface SingleHostProps {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.Cluster;
  readonly image: ecs.ContainerImage;
  readonly profile: SingleHostProfile;
  readonly secrets: ServiceSecrets;
}

/** The tag that lets the host attach the data volume, and only a host of this stack. */
const hostTagKey = 'cashtrack:host';

/**
 * The small profile: one Graviton instance in a private subnet, an ECS container instance, runs
 * one task of linked containers in bridge networking (compose's shape): Kafka, MongoDB, the trace
 * collector and the five processes. Only the gateway's port is mapped onto the host, and the host's security group
 * admits only the front door to it; the other containers reach each other over the task's links
 * and are reachable from nowhere else. The data volume outlives the instance.
 */
export class SingleHost extends Construct {
  readonly instance: ec2.Instance;
  readonly securityGroup: ec2.SecurityGroup;
  readonly taskDefinition: ecs.Ec2TaskDefinition;
  readonly service: ecs.Ec2Service;
  readonly gatewayPort: number;

  constructor(scope: Construct, id: string, props: SingleHostProps) {
    super(scope, id);
    const { vpc, cluster, profile } = props;
    const stack = Stack.of(this);
    // One zone: the instance and its data volume must share it.
    const subnet = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS })
      .subnets[0]!;
    const hostTagValue = stack.stackName;

    const dataVolume = new ec2.Volume(this, 'DataVolume', {
      availabilityZone: subnet.availabilityZone,
      size: Size.gibibytes(profile.dataVolumeGiB),
      volumeType: ec2.EbsDeviceVolumeType.GP3,
      encrypted: true,
      // Kafka's events are the system's record: deleting the stack keeps a snapshot of them.
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    Tags.of(dataVolume).add(hostTagKey, hostTagValue);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'the one host: the front door to the gateway port, nothing else in',
      allowAllOutbound: false,
    });
    // AWS APIs (ECS, ECR, Secrets Manager, CloudWatch Logs, EC2 to attach the volume), the image
    // registries of Kafka and MongoDB, and the model API, over HTTPS through the NAT. DNS goes to
    // the VPC resolver, time to the link-local Time Sync service: security groups filter neither.
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS: AWS APIs, image registries, model API',
    );

    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'the ECS agent on the one host, and attaching its data volume',
    });
    this.grantEcsAgent(role, cluster);
    const instancesOfThisStack = stack.formatArn({
      service: 'ec2',
      resource: 'instance',
      resourceName: '*',
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ec2:AttachVolume'],
        resources: [
          stack.formatArn({
            service: 'ec2',
            resource: 'volume',
            resourceName: dataVolume.volumeId,
          }),
          instancesOfThisStack,
        ],
        conditions: { StringEquals: { [`aws:ResourceTag/${hostTagKey}`]: hostTagValue } },
      }),
    );
    acceptWildcardResource(
      role,
      instancesOfThisStack,
      "a replaced host attaches the volume to itself, and its id is not known before it runs; the condition admits only instances tagged as this stack's host",
    );

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc,
      vpcSubnets: { subnets: [subnet] },
      instanceType: new ec2.InstanceType(profile.instanceType),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.ARM),
      securityGroup: this.securityGroup,
      role,
      requireImdsv2: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(profile.rootVolumeGiB, {
            encrypted: true,
            volumeType: ec2.EbsDeviceVolumeType.GP3,
          }),
        },
      ],
      userData: ec2.UserData.custom(
        [
          '#!/bin/bash',
          ...dataVolumeUserData({
            region: stack.region,
            volumeId: dataVolume.volumeId,
            clusterName: cluster.clusterName,
          }),
        ].join('\n'),
      ),
    });
    Tags.of(this.instance).add(hostTagKey, hostTagValue);
    const why =
      "one host by design (the small profile's cost); it holds no data on its root volume and a deploy replaces it";
    acceptNagFinding(
      this.instance,
      'EC28',
      `detailed monitoring costs more than a tenth of the host; ECS and CloudWatch Logs report the containers: ${why}`,
    );
    acceptNagFinding(
      this.instance,
      'EC29',
      `termination protection would stop CloudFormation from replacing or deleting it: ${why}`,
    );

    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'Task', {
      networkMode: ecs.NetworkMode.BRIDGE,
      volumes: [kafkaService, mongoService].map((service) => ({
        name: service.name,
        host: { sourcePath: `${hostDataRoot}/${service.name}` },
      })),
    });
    acceptNagFinding(
      this.taskDefinition,
      'ECS2',
      'the environment holds plain settings (hosts, ports, URLs); every secret comes from Secrets Manager through `secrets`, and a test checks none is in the environment',
    );
    acceptNagFinding(
      this.taskDefinition,
      'IAM5[Resource::*]',
      'ecr:GetAuthorizationToken, which pulls the image, has no resource-level permission',
    );
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: profile.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // On EC2 the Docker daemon's awslogs driver may write with the instance's credentials.
    logGroup.grantWrite(role);

    const dataContainers = new Map(
      [kafkaService, mongoService].map((service) => [
        service.name,
        this.dataContainer(service, profile, logGroup),
      ]),
    );
    const collector = addTraceCollector(this.taskDefinition, {
      logGroup,
      region: stack.region,
      listenHost: '0.0.0.0',
      stopTimeout,
    });
    const processContainers = new Map<ProcessSpec['name'], ecs.ContainerDefinition>();
    const specs = processSpecs(profile);
    this.gatewayPort = specs.find((spec) => spec.name === 'gateway')!.port;
    for (const spec of specs) {
      const container = this.taskDefinition.addContainer(spec.name, {
        image: props.image,
        memoryReservationMiB: profile.memoryReservationMiB.process,
        logging: ecs.LogDrivers.awsLogs({ streamPrefix: spec.name, logGroup }),
        environment: { SERVICE_ENTRY: spec.entry, ...spec.environment },
        secrets: props.secrets.forContainer(spec.secrets),
        // Only the gateway is published on the host; the others answer over the links only.
        portMappings:
          spec.name === 'gateway' ? [{ containerPort: spec.port, hostPort: spec.port }] : [],
        healthCheck: readyHealthCheck(spec.port),
        stopTimeout,
        // A process that exits is started again in place, without stopping the broker or the
        // database beside it.
        enableRestartPolicy: true,
        restartAttemptPeriod: Duration.seconds(60),
      });
      processContainers.set(spec.name, container);
      const needs: [string, ecs.ContainerDefinition][] = [
        ['kafka', dataContainers.get('kafka')!],
        ...('MONGO_URL' in spec.environment
          ? [['mongo', dataContainers.get('mongo')!] as [string, ecs.ContainerDefinition]]
          : []),
      ];
      for (const called of spec.calls) needs.push([called, processContainers.get(called)!]);
      for (const [alias, needed] of needs) {
        container.addLink(needed, alias);
        container.addContainerDependencies({
          container: needed,
          condition: ecs.ContainerDependencyCondition.HEALTHY,
        });
      }
      // Spans are optional: a process waits only for the collector to have started, not for it to
      // be healthy, and keeps running if it stops.
      container.addLink(collector, traceCollectorName);
      container.addContainerDependencies({
        container: collector,
        condition: ecs.ContainerDependencyCondition.START,
      });
    }

    // The host joins the cluster by its user data, which CDK does not see; this view says so.
    const clusterWithHost = ecs.Cluster.fromClusterAttributes(this, 'ClusterWithHost', {
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      vpc,
      securityGroups: [],
      hasEc2Capacity: true,
    });
    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: clusterWithHost,
      taskDefinition: this.taskDefinition,
      desiredCount: 1,
      // One host, one task holding the gateway's host port and the data directories: a deploy
      // stops the old task (each process drains on SIGTERM) before starting the new one.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
  }

  private dataContainer(
    service: HostDataService,
    profile: SingleHostProfile,
    logGroup: logs.ILogGroup,
  ): ecs.ContainerDefinition {
    const container = this.taskDefinition.addContainer(service.name, {
      image: ecs.ContainerImage.fromRegistry(service.image),
      memoryReservationMiB: profile.memoryReservationMiB[service.name],
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: service.name, logGroup }),
      environment: { ...service.environment },
      command: service.command === undefined ? undefined : [...service.command],
      healthCheck: {
        command: [...service.healthCommand],
        interval: Duration.seconds(10),
        timeout: Duration.seconds(10),
        retries: 12,
        startPeriod: Duration.seconds(30),
      },
      stopTimeout,
      enableRestartPolicy: true,
      restartAttemptPeriod: Duration.seconds(60),
    });
    container.addMountPoints({
      sourceVolume: service.name,
      containerPath: service.dataPath,
      readOnly: false,
    });
    return container;
  }

  /** What the ECS agent needs, as CDK grants it to an Auto Scaling group's instances. */
  private grantEcsAgent(role: iam.Role, cluster: ecs.Cluster): void {
    const containerInstances = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'container-instance',
      resourceName: `${cluster.clusterName}/*`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'ecs:DeregisterContainerInstance',
          'ecs:RegisterContainerInstance',
          'ecs:SubmitAttachmentStateChanges',
          'ecs:SubmitContainerStateChange',
          'ecs:SubmitTaskStateChange',
        ],
        resources: [cluster.clusterArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:Poll', 'ecs:StartTelemetrySession', 'ecs:PutSystemLogEvents'],
        resources: [containerInstances],
      }),
    );
    acceptWildcardResource(
      role,
      containerInstances,
      "the container instance's id is made when the agent registers; the pattern holds it to this cluster",
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['ecs:DiscoverPollEndpoint'], resources: ['*'] }),
    );
    acceptNagFinding(
      role,
      'IAM5[Resource::*]',
      'ecs:DiscoverPollEndpoint, with which the agent finds its endpoint, has no resource-level permission',
    );
  }
}
