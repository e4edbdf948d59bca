import { Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acceptCustomResourceFunction, acceptWildcardResource } from './nagSuppressions.ts';
import { kafkaTopics, writtenTopics, type KafkaGroups, type TopicUse } from './processes.ts';
import type { DistributedProfile } from './profiles.ts';

/** MSK's port for clients authenticating with IAM over TLS. */
export const mskIamPort = 9098;

/**
 * Amazon MSK provisioned with IAM access control (the distributed profile). Topics are
 * not declared here: the services create them at start as they do on a local broker, so each
 * task role may create each of our topics by name.
 */
export class KafkaCluster extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  readonly clusterName: string;
  readonly clusterArn: string;
  /** Comma-separated `host:9098` list: `KAFKA_BROKERS`. */
  readonly bootstrapBrokers: string;

  constructor(scope: Construct, id: string, props: { vpc: ec2.IVpc; profile: DistributedProfile }) {
    super(scope, id);
    const { vpc, profile } = props;
    this.clusterName = `cashtrack-${profile.name}`;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Kafka brokers: IAM-authenticated clients of our own services only',
      allowAllOutbound: false,
    });
    const subnetIds = vpc.selectSubnets({
      subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
    }).subnetIds;

    const brokerLogs = new logs.LogGroup(this, 'BrokerLogs', {
      retention: profile.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.clusterArn = new msk.CfnCluster(this, 'Provisioned', {
      clusterName: this.clusterName,
      kafkaVersion: profile.kafka.kafkaVersion,
      numberOfBrokerNodes: profile.kafka.brokers,
      brokerNodeGroupInfo: {
        instanceType: profile.kafka.instanceType,
        clientSubnets: subnetIds,
        securityGroups: [this.securityGroup.securityGroupId],
        storageInfo: { ebsStorageInfo: { volumeSize: profile.kafka.volumeGiB } },
      },
      clientAuthentication: {
        sasl: { iam: { enabled: true } },
        unauthenticated: { enabled: false },
      },
      encryptionInfo: { encryptionInTransit: { clientBroker: 'TLS', inCluster: true } },
      loggingInfo: {
        brokerLogs: { cloudWatchLogs: { enabled: true, logGroup: brokerLogs.logGroupName } },
      },
    }).attrArn;

    // The bootstrap addresses are no CloudFormation attribute: ask MSK.
    const bootstrap = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onUpdate: {
        service: 'Kafka',
        action: 'getBootstrapBrokers',
        parameters: { ClusterArn: this.clusterArn },
        physicalResourceId: cr.PhysicalResourceId.of(this.clusterArn),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['kafka:GetBootstrapBrokers'],
          resources: [this.clusterArn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    this.bootstrapBrokers = bootstrap.getResponseField('BootstrapBrokerStringSaslIam');
    acceptCustomResourceFunction(this);
  }

  /** Lets `client` (a service's security group) open connections to the brokers. */
  allowClient(client: ec2.SecurityGroup, description: string): void {
    this.securityGroup.addIngressRule(client, ec2.Port.tcp(mskIamPort), description);
    client.addEgressRule(this.securityGroup, ec2.Port.tcp(mskIamPort), 'Kafka (MSK, IAM)');
  }

  /**
   * What a service's task role may do: connect, produce idempotently, create and describe each of
   * our topics (named one by one), read the topics it reads, write those it writes and its dead
   * letters, and use its own consumer groups. A group made per replica (`<prefix><uuid>`) can only
   * be named by its prefix.
   */
  grantClient(role: iam.IRole, groups: KafkaGroups, use: TopicUse): void {
    const stack = Stack.of(this);
    // A cluster ARN is arn:…:cluster/<name>/<uuid>; topics and groups are named under the same pair.
    const clusterUuid = Fn.select(2, Fn.split('/', this.clusterArn));
    const under = (resource: 'topic' | 'group', name: string) =>
      stack.formatArn({
        service: 'kafka',
        resource,
        resourceName: `${this.clusterName}/${clusterUuid}/${name}`,
      });
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'kafka-cluster:Connect',
          'kafka-cluster:DescribeCluster',
          'kafka-cluster:WriteDataIdempotently',
        ],
        resources: [this.clusterArn],
      }),
    );
    // Every process creates whichever of our topics are missing at start (ensureTopics).
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
        resources: kafkaTopics.map((topic) => under('topic', topic)),
      }),
    );
    if (use.reads.length > 0) {
      role.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kafka-cluster:ReadData'],
          resources: use.reads.map((topic) => under('topic', topic)),
        }),
      );
    }
    const writes = writtenTopics(use);
    if (writes.length > 0) {
      role.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kafka-cluster:WriteData'],
          resources: writes.map((topic) => under('topic', topic)),
        }),
      );
    }
    const groupNames = [
      ...groups.named,
      ...groups.perReplicaPrefixes.map((prefix) => `${prefix}*`),
    ];
    if (groupNames.length === 0) return;
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'kafka-cluster:AlterGroup',
          'kafka-cluster:DescribeGroup',
          'kafka-cluster:DeleteGroup',
        ],
        resources: groupNames.map((name) => under('group', name)),
      }),
    );
    for (const prefix of groups.perReplicaPrefixes) {
      acceptWildcardResource(
        role,
        under('group', `${prefix}*`),
        'each replica makes a consumer group of its own with a random suffix (it must hear every message) and deletes it when it stops',
      );
    }
  }

  /** How far `group` is behind on `topic`, summed over partitions: what MSK reports per minute. */
  consumerLag(group: string, topic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Kafka',
      metricName: 'SumOffsetLag',
      dimensionsMap: { 'Cluster Name': this.clusterName, 'Consumer Group': group, Topic: topic },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    });
  }
}
