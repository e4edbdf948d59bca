import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { allTopicNames, topics } from '../../../events/src/topics.ts';
import { vocabularyConsumerGroup } from '../../../parser/src/vocabulary/vocabularyProjector.ts';
import { defaultKeepAliveMs } from '../../../platform/src/graphql/graphqlWsServer.ts';
import { changeNotificationsTopic } from '../../../subgraphs/expense/src/subscriptions/changeNotifications.ts';
import { cashtrackApp } from '../lib/app.ts';
import { loadBalancerIdleTimeoutSeconds, serviceId } from '../lib/cashtrackStack.ts';
import { mskIamPort } from '../lib/kafkaCluster.ts';
import { kafkaTopics, type ProcessSpec } from '../lib/processes.ts';
import { profileNamed, profiles } from '../lib/profiles.ts';
import { adotCollectorImage, traceCollectorName } from '../lib/traceCollector.ts';
import { flowRules, type FlowRule } from './securityGroupRules.ts';
import { synthesize, type SynthesizedStack } from './synthesizedStack.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type ContainerDefinition = {
  Name: string;
  Image?: unknown;
  Essential?: boolean;
  Cpu?: number;
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  PortMappings: { ContainerPort: number }[];
  HealthCheck: { Command: string[] };
  StopTimeout: number;
};

// Synthesising runs cdk-nag over every resource and stages the image's build context: seconds.
const synthTimeoutMs = 240_000;

const certificateArn = 'arn:aws:acm:eu-central-1:123456789012:certificate/example';
let production: SynthesizedStack;
let resources: Readonly<Record<string, Resource>>;

beforeAll(() => {
  production = synthesize('production', { certificateArn });
  resources = production.template.toJSON().Resources as Record<string, Resource>;
}, synthTimeoutMs);

const loadBalancerSecurityGroup = () => production.securityGroupAt('LoadBalancer/SecurityGroup');
const kafkaSecurityGroup = () => production.securityGroupAt('Kafka/SecurityGroup');

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function containers(): ContainerDefinition[] {
  return ofType('AWS::ECS::TaskDefinition').map(
    ([, task]) => (task.Properties?.ContainerDefinitions as ContainerDefinition[])[0]!,
  );
}

function container(name: string): ContainerDefinition {
  const found = containers().find((definition) => definition.Name === name);
  if (found === undefined) throw new Error(`no container ${name}`);
  return found;
}

/** The topic statements of a process's task role: actions, and topic names without the ARN. */
function topicRights(name: ProcessSpec['name']): { actions: string[]; topics: string[] }[] {
  const prefix = `${serviceId(name)}TaskTaskRole`;
  const [, policy] = ofType('AWS::IAM::Policy').find(([id]) => id.startsWith(prefix))!;
  const document = policy.Properties?.PolicyDocument as {
    Statement: { Action: string | string[]; Resource: unknown }[];
  };
  return document.Statement.map((statement) => ({
    actions: [statement.Action].flat(),
    topics: [statement.Resource]
      .flat()
      .map((resource) => /:topic\/.*\/([^/"]+)"\]\]\}$/.exec(JSON.stringify(resource))?.[1])
      .filter((topic): topic is string => topic !== undefined),
  })).filter((statement) => statement.topics.length > 0);
}

const ports = (rules: FlowRule[]) => rules.map((rule) => `${rule.peer}:${rule.fromPort}`).sort();

describe('the production profile', () => {
  it('serves HTTPS with the certificate it is given, and sends plain HTTP there', () => {
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: certificateArn }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: Match.anyValue() }],
    });
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443' }) }],
    });
  });

  it('passes cdk-nag AwsSolutions, every accepted finding with its reason', () => {
    // synthesize() would have thrown at any finding not accepted; here: each acceptance says why.
    const acceptances = production.stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .filter(([rule]) => rule.includes('AwsSolutions-'));
    expect(acceptances.length).toBeGreaterThan(0);
    for (const [rule, reason] of acceptances) {
      expect({ rule, explained: reason.length > 40 }).toEqual({ rule, explained: true });
    }
  });

  it('spreads over two availability zones, public subnets for the load balancer and NAT only', () => {
    const subnets = ofType('AWS::EC2::Subnet').map(([, subnet]) => subnet.Properties ?? {});
    expect(subnets).toHaveLength(4);
    expect(subnets.filter((subnet) => subnet.MapPublicIpOnLaunch === true)).toHaveLength(2);
    production.template.resourceCountIs('AWS::EC2::NatGateway', 2);
    production.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
  });

  it('runs the five processes on Fargate in private subnets, without public addresses', () => {
    expect(
      containers()
        .map((definition) => definition.Name)
        .sort(),
    ).toEqual(['auth', 'expense', 'gateway', 'parser-worker', 'user']);
    for (const [, service] of ofType('AWS::ECS::Service')) {
      expect(service.Properties).toMatchObject({
        LaunchType: 'FARGATE',
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
      });
    }
  });

  it('makes the gateway the only thing the internet reaches', () => {
    production.template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [{ Type: 'forward', TargetGroupArn: Match.anyValue() }],
    });
    production.template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 4000,
    });
    expect(ports(flowRules(resources, production.securityGroupOf('gateway'), 'ingress'))).toEqual([
      `${loadBalancerSecurityGroup()}:4000`,
    ]);
  });

  it('lets each subgraph be called only by the processes that call it, never from an address range', () => {
    const gateway = production.securityGroupOf('gateway');
    expect(ports(flowRules(resources, production.securityGroupOf('auth'), 'ingress'))).toEqual(
      [
        `${gateway}:4001`,
        `${production.securityGroupOf('user')}:4001`,
        `${production.securityGroupOf('expense')}:4001`,
      ].sort(),
    );
    expect(ports(flowRules(resources, production.securityGroupOf('user'), 'ingress'))).toEqual([
      `${gateway}:4002`,
    ]);
    expect(ports(flowRules(resources, production.securityGroupOf('expense'), 'ingress'))).toEqual([
      `${gateway}:4003`,
    ]);
    expect(flowRules(resources, production.securityGroupOf('parser-worker'), 'ingress')).toEqual(
      [],
    );
    expect(ports(flowRules(resources, kafkaSecurityGroup(), 'ingress'))).toEqual(
      (['auth', 'user', 'expense', 'parser-worker', 'gateway'] as const)
        .map((name) => `${production.securityGroupOf(name)}:${mskIamPort}`)
        .sort(),
    );
  });

  it('lets each process reach out only where it must', () => {
    const anywhere = (port: number) => `0.0.0.0/0:${port}`;
    const kafka = `${kafkaSecurityGroup()}:${mskIamPort}`;
    const auth = `${production.securityGroupOf('auth')}:4001`;
    const egress = (name: Parameters<SynthesizedStack['securityGroupOf']>[0]) =>
      ports(flowRules(resources, production.securityGroupOf(name), 'egress'));
    expect(egress('gateway')).toEqual(
      [
        anywhere(443),
        kafka,
        auth,
        `${production.securityGroupOf('user')}:4002`,
        `${production.securityGroupOf('expense')}:4003`,
      ].sort(),
    );
    expect(egress('auth')).toEqual([anywhere(443), anywhere(27017), kafka].sort());
    expect(egress('user')).toEqual([anywhere(443), anywhere(27017), kafka, auth].sort());
    expect(egress('expense')).toEqual([anywhere(443), anywhere(27017), kafka, auth].sort());
    expect(egress('parser-worker')).toEqual([anywhere(443), anywhere(27017), kafka].sort());
  });

  it('checks health on /ready, at the load balancer and in every container', () => {
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/ready',
    });
    for (const definition of containers()) {
      const port = definition.PortMappings[0]!.ContainerPort;
      expect(definition.HealthCheck.Command.join(' ')).toContain(`http://127.0.0.1:${port}/ready`);
    }
  });

  it('keeps a quiet WebSocket open longer than the gateway waits between pings', () => {
    expect(loadBalancerIdleTimeoutSeconds).toBeGreaterThanOrEqual((2 * defaultKeepAliveMs) / 1000);
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'idle_timeout.timeout_seconds', Value: String(loadBalancerIdleTimeoutSeconds) },
      ]),
    });
  });

  it('drains gracefully: deregistration delay, SIGTERM grace, new tasks before old ones stop', () => {
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
      ]),
    });
    for (const definition of containers()) expect(definition.StopTimeout).toBe(30);
    for (const [, service] of ofType('AWS::ECS::Service')) {
      expect(service.Properties?.DeploymentConfiguration).toMatchObject({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MaximumPercent: 200,
        MinimumHealthyPercent: 100,
      });
    }
  });

  it('hands every secret over from Secrets Manager, never as plain environment', () => {
    const secretNames = ['SUBGRAPH_SHARED_SECRET', 'MONGO_URL', 'OPENAI_API_KEY'];
    for (const definition of containers()) {
      const environment = (definition.Environment ?? []).map((variable) => variable.Name);
      expect(environment.filter((name) => secretNames.includes(name))).toEqual([]);
      for (const secret of definition.Secrets ?? []) {
        expect(JSON.stringify(secret.ValueFrom)).toMatch(/secretsmanager|SubgraphSharedSecret/);
      }
    }
    expect(
      container('parser-worker')
        .Secrets?.map((secret) => secret.Name)
        .sort(),
    ).toEqual(['MONGO_URL', 'OPENAI_API_KEY']);
    expect(container('gateway').Secrets?.map((secret) => secret.Name)).toEqual([
      'SUBGRAPH_SHARED_SECRET',
    ]);
    production.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });

  it('grants no IAM wildcard resource where a specific one exists', () => {
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      const document = policy.Properties?.PolicyDocument as {
        Statement: { Action: string | string[]; Resource: unknown }[];
      };
      for (const statement of document.Statement) {
        const actions = [statement.Action].flat();
        const statementResources = [statement.Resource].flat();
        if (statementResources.includes('*')) {
          // Actions AWS offers no resource-level permission for: pulling the image, writing spans.
          expect({ id, actions }).toEqual({
            id,
            actions: [expect.stringMatching(/^(ecr:GetAuthorizationToken|xray:PutTraceSegments)$/)],
          });
        }
        if (actions.some((action) => action.startsWith('kafka-cluster:'))) {
          const patterns = statementResources.map((resource) => JSON.stringify(resource));
          for (const pattern of patterns.filter((text) => text.includes('*'))) {
            // Only the groups each replica names with a random suffix, under the one cluster.
            expect(pattern).toMatch(
              /group\/cashtrack-production\/.*\/(access-token-revocations|expense-changes)-\*"\]\]\}$/,
            );
          }
        }
      }
    }
  });

  it('names every topic the services create, and no other, in the task roles', () => {
    expect([...kafkaTopics].sort()).toEqual([...allTopicNames(), changeNotificationsTopic].sort());
    const created = topicRights('parser-worker').find((statement) =>
      statement.actions.includes('kafka-cluster:CreateTopic'),
    );
    expect(created?.topics.sort()).toEqual([...kafkaTopics].sort());
  });

  it('lets each process read only what it consumes and write only what it publishes and its dead letters', () => {
    const granted = (name: ProcessSpec['name'], action: string) =>
      topicRights(name)
        .filter((statement) => statement.actions.includes(action))
        .flatMap((statement) => statement.topics)
        .sort();
    expect(granted('gateway', 'kafka-cluster:ReadData')).toEqual([topics.accessTokenRevocations]);
    expect(granted('gateway', 'kafka-cluster:WriteData')).toEqual([]);
    expect(granted('auth', 'kafka-cluster:ReadData')).toEqual([]);
    expect(granted('auth', 'kafka-cluster:WriteData')).toEqual(
      [topics.users, topics.accessTokenRevocations].sort(),
    );
    expect(granted('parser-worker', 'kafka-cluster:ReadData')).toEqual(
      [topics.expenseMessages, topics.expenses].sort(),
    );
    expect(granted('parser-worker', 'kafka-cluster:WriteData')).toEqual(
      [topics.expenses, `${topics.expenses}.dlq`, `${topics.expenseMessages}.dlq`].sort(),
    );
    // Every topic someone reads, someone writes.
    const names = ['auth', 'user', 'expense', 'parser-worker', 'gateway'] as const;
    const written = new Set(names.flatMap((name) => granted(name, 'kafka-cluster:WriteData')));
    for (const name of names) {
      for (const topic of granted(name, 'kafka-cluster:ReadData')) {
        expect({ name, topic, written: written.has(topic) }).toEqual({
          name,
          topic,
          written: true,
        });
      }
    }
  });

  it("lets the parser worker use the vocabulary projector's consumer group", () => {
    const groups = JSON.stringify(
      ofType('AWS::IAM::Policy').find(([id]) => id.startsWith('ParserWorkerTaskTaskRole'))?.[1],
    );
    expect(groups).toContain(`/${vocabularyConsumerGroup}"`);
  });

  it('authenticates to MSK with IAM, the services told so by KAFKA_SASL_MECHANISM', () => {
    production.template.hasResourceProperties('AWS::MSK::Cluster', {
      ClientAuthentication: {
        Sasl: { Iam: { Enabled: true } },
        Unauthenticated: { Enabled: false },
      },
      EncryptionInfo: { EncryptionInTransit: { ClientBroker: 'TLS', InCluster: true } },
      NumberOfBrokerNodes: profiles.production.kafka.brokers,
    });
    for (const definition of containers()) {
      expect(definition.Environment).toEqual(
        expect.arrayContaining([
          { Name: 'KAFKA_SASL_MECHANISM', Value: 'aws-msk-iam' },
          {
            Name: 'KAFKA_BROKERS',
            Value: { 'Fn::GetAtt': [expect.any(String), 'BootstrapBrokerStringSaslIam'] },
          },
        ]),
      );
    }
  });

  it('creates topics with a copy on each broker', () => {
    for (const definition of containers()) {
      expect(definition.Environment).toEqual(
        expect.arrayContaining([
          { Name: 'KAFKA_REPLICATION_FACTOR', Value: String(profiles.production.kafka.brokers) },
        ]),
      );
    }
  });

  it('scales the gateway on requests and CPU, the parser and projector on consumer lag', () => {
    const policies = ofType('AWS::ApplicationAutoScaling::ScalingPolicy').map(
      ([, policy]) => policy.Properties ?? {},
    );
    const targetTracking = policies
      .map((policy) => policy.TargetTrackingScalingPolicyConfiguration)
      .filter((configuration) => configuration !== undefined)
      .map((configuration) => JSON.stringify(configuration));
    expect(targetTracking.some((text) => text.includes('ALBRequestCountPerTarget'))).toBe(true);
    expect(targetTracking.some((text) => text.includes('ECSServiceAverageCPUUtilization'))).toBe(
      true,
    );
    const lagAlarms = ofType('AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties ?? {})
      .filter((alarm) => alarm.Namespace === 'AWS/Kafka' && alarm.MetricName === 'SumOffsetLag');
    const groups = lagAlarms.map(
      (alarm) =>
        (alarm.Dimensions as { Name: string; Value: string }[]).find(
          (dimension) => dimension.Name === 'Consumer Group',
        )?.Value,
    );
    expect([...new Set(groups)].sort()).toEqual(['expense-projector', 'parser-worker']);
  });

  it('traces one request in ten through a collector beside each process, which only it reaches', () => {
    const tasks = ofType('AWS::ECS::TaskDefinition');
    expect(tasks).toHaveLength(5);
    for (const [id, task] of tasks) {
      const [process, ...others] = task.Properties?.ContainerDefinitions as ContainerDefinition[];
      const environment = Object.fromEntries(
        (process?.Environment ?? []).map((variable) => [variable.Name, variable.Value]),
      );
      expect({ id, environment }).toMatchObject({
        id,
        environment: {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: String(profiles.production.traceSampleRatio),
        },
      });
      expect(others.map((other) => [other.Name, other.Image, other.Essential, other.Cpu])).toEqual([
        [traceCollectorName, adotCollectorImage, false, undefined],
      ]);
      const config = JSON.stringify(others[0]?.Environment);
      // Listening on the task's loopback: no security group rule admits anyone else to it.
      expect(config).toContain('127.0.0.1:4318');
      expect(config).not.toContain('0.0.0.0');
      expect(config).toMatch(/https:\/\/xray\.".*amazonaws\.com\/v1\/traces/);
    }
    expect(profiles.production.traceSampleRatio).toBe(0.1);
  });

  it('lets each task role write spans to X-Ray and nothing else of X-Ray', () => {
    const xrayGrants = ofType('AWS::IAM::Policy').flatMap(([id, policy]) =>
      (
        policy.Properties?.PolicyDocument as {
          Statement: { Action: string | string[]; Resource: unknown }[];
        }
      ).Statement.filter((statement) => JSON.stringify(statement.Action).includes('xray:')).map(
        (statement) => ({ role: id.replace(/TaskTaskRoleDefaultPolicy.*$/, ''), statement }),
      ),
    );
    expect(xrayGrants.map((grant) => grant.role).sort()).toEqual(
      ['Auth', 'Expense', 'Gateway', 'ParserWorker', 'User'].sort(),
    );
    for (const grant of xrayGrants) {
      expect(grant.statement).toEqual({
        Action: 'xray:PutTraceSegments',
        Effect: 'Allow',
        Resource: '*',
      });
    }
  });

  it('keeps logs in CloudWatch for the profile’s retention', () => {
    const groups = ofType('AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThanOrEqual(5);
    for (const [, group] of groups) {
      expect(group.Properties?.RetentionInDays).toBe(profiles.production.logRetentionDays);
    }
  });
});

describe('the cdk-nag gate', () => {
  it(
    'stops synth at a resource whose finding nobody accepted',
    () => {
      const { app, stack } = cashtrackApp({ profile: 'small' });
      new s3.Bucket(stack, 'BucketWithoutAccessLogsOrTls');
      expect(() => app.synth()).toThrow(/[Vv]alidation/);
    },
    synthTimeoutMs,
  );
});

describe('profiles', () => {
  it('refuses an unknown profile by name, listing the known ones', () => {
    expect(() => profileNamed('medium')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_DEPLOYMENT_PROFILE' }),
    );
    expect(() => profileNamed('medium')).toThrow(/small, production/);
  });
});
