import { beforeAll, describe, expect, it } from '@jest/globals';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import { defaultKeepAliveMs } from '../../../platform/src/graphql/graphqlWsServer.ts';
import { frontDoorReadTimeoutSeconds } from '../lib/cloudFrontFrontDoor.ts';
import { dataVolumeUserData } from '../lib/dataVolumeUserData.ts';
import { profiles } from '../lib/profiles.ts';
import { adotCollectorImage, traceCollectorName } from '../lib/traceCollector.ts';
import { flowRules } from './securityGroupRules.ts';
import { synthesize, type SynthesizedStack } from './synthesizedStack.ts';

/** The small profile: the whole system on one host behind CloudFront. */

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
};
type ContainerDefinition = {
  Name: string;
  Image: unknown;
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  PortMappings?: { ContainerPort: number; HostPort?: number }[];
  Links?: string[];
  DependsOn?: { ContainerName: string; Condition: string }[];
  HealthCheck: { Command: string[] };
  StopTimeout: number;
  MemoryReservation: number;
  Essential: boolean;
};

const processNames = ['auth', 'expense', 'gateway', 'parser-worker', 'user'];

let small: SynthesizedStack;
let resources: Readonly<Record<string, Resource>>;

beforeAll(() => {
  small = synthesize('small');
  resources = small.template.toJSON().Resources as Record<string, Resource>;
}, 240_000);

function ofType(type: string): [string, Resource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

function only(type: string): [string, Resource] {
  const found = ofType(type);
  expect({ type, count: found.length }).toEqual({ type, count: 1 });
  return found[0]!;
}

function containers(): ContainerDefinition[] {
  return only('AWS::ECS::TaskDefinition')[1].Properties
    ?.ContainerDefinitions as ContainerDefinition[];
}

function container(name: string): ContainerDefinition {
  const found = containers().find((definition) => definition.Name === name);
  if (found === undefined) throw new Error(`no container ${name}`);
  return found;
}

const environmentOf = (name: string) =>
  Object.fromEntries((container(name).Environment ?? []).map((entry) => [entry.Name, entry.Value]));

describe('the small profile', () => {
  it('passes cdk-nag AwsSolutions, every accepted finding with its reason', () => {
    const acceptances = small.stack.node
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

  it('runs everything on one Graviton host in a private subnet: no load balancer, no MSK, no NAT gateway', () => {
    const [, host] = ofType('AWS::EC2::Instance').find(
      ([, instance]) => instance.Properties?.InstanceType === profiles.small.instanceType,
    )!;
    expect(host.Properties?.SubnetId).toEqual({ Ref: expect.stringMatching(/^Vpcservices/) });
    expect(host.Properties?.AssociatePublicIpAddress).toBeUndefined();
    expect(JSON.stringify(small.template.toJSON().Parameters)).toContain(
      '/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/',
    );
    for (const absent of [
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::MSK::Cluster',
      'AWS::MSK::ServerlessCluster',
      'AWS::EC2::NatGateway',
    ]) {
      small.template.resourceCountIs(absent, 0);
    }
    small.template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.nano' });
    // IMDSv2 only, through a launch template whose name is this stack's own.
    const [, template] = only('AWS::EC2::LaunchTemplate');
    expect(template.Properties).toMatchObject({
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
      LaunchTemplateName: expect.stringContaining('CashTracksmall'),
    });
  });

  it('builds the one image for arm64, the host’s architecture', () => {
    const platforms = small.assembly.artifacts
      .filter((artifact) => artifact instanceof AssetManifestArtifact)
      .flatMap((artifact) => Object.values(artifact.contents.dockerImages ?? {}))
      .map((image) => image.source.platform);
    expect(platforms).toEqual(['linux/arm64']);
  });

  it('runs the five processes, Kafka, MongoDB and a trace collector as one task', () => {
    expect(
      containers()
        .map((definition) => definition.Name)
        .sort(),
    ).toEqual([...processNames, 'kafka', 'mongo', traceCollectorName].sort());
    expect(container('kafka').Image).toBe('apache/kafka:3.9.1');
    expect(container('mongo').Image).toBe('mongo:7.0');
    const task = only('AWS::ECS::TaskDefinition')[1].Properties;
    expect(task).toMatchObject({ NetworkMode: 'bridge', RequiresCompatibilities: ['EC2'] });
    const reserved = containers().reduce(
      (sum, definition) => sum + definition.MemoryReservation,
      0,
    );
    // t4g.medium: 4 GiB, of which ECS offers the tasks about 3.8.
    expect(reserved).toBeLessThanOrEqual(3_500);
  });

  it('lets only CloudFront’s VPC origin in, and only to the gateway’s port', () => {
    const host = small.securityGroupAt('Host/SecurityGroup');
    const ingress = flowRules(resources, host, 'ingress');
    expect(ingress).toEqual([
      { peer: 'an address range the template computes', fromPort: 4000, toPort: 4000 },
    ]);
    // The VPC's own range: CloudFront's VPC origin interfaces in the host's subnet.
    const [rule] = resources[host]?.Properties?.SecurityGroupIngress as { CidrIp: unknown }[];
    expect(rule?.CidrIp).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Vpc/), 'CidrBlock'] });
    small.template.resourceCountIs('Custom::AWS', 0);
    expect(flowRules(resources, host, 'egress')).toEqual([
      { peer: '0.0.0.0/0', fromPort: 443, toPort: 443 },
    ]);
    const published = containers().filter((definition) => (definition.PortMappings ?? []).length);
    expect(published.map((definition) => [definition.Name, definition.PortMappings])).toEqual([
      ['gateway', [{ ContainerPort: 4000, HostPort: 4000, Protocol: 'tcp' }]],
    ]);
  });

  it('serves the gateway through CloudFront over HTTPS, its origin the host inside the VPC', () => {
    const origin = only('AWS::CloudFront::VpcOrigin')[1].Properties?.VpcOriginEndpointConfig;
    expect(origin).toMatchObject({ HTTPPort: 4000, OriginProtocolPolicy: 'http-only' });
    expect(JSON.stringify(origin)).toMatch(/instance\/",\{"Ref":"HostInstance/);
    const distribution = only('AWS::CloudFront::Distribution')[1].Properties
      ?.DistributionConfig as {
      DefaultCacheBehavior: Record<string, unknown>;
    };
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: expect.arrayContaining(['GET', 'POST', 'OPTIONS']),
      // AWS's managed policies: CachingDisabled and AllViewer (every header, so WebSockets too).
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      OriginRequestPolicyId: '216adef6-5c7f-47e4-b989-5492eafa07d3',
    });
    small.template.hasOutput('GatewayUrl', {});
  });

  it('keeps a quiet WebSocket open longer than the gateway waits between pings', () => {
    expect(frontDoorReadTimeoutSeconds).toBeGreaterThanOrEqual((2 * defaultKeepAliveMs) / 1000);
    const distribution = only('AWS::CloudFront::Distribution')[1].Properties
      ?.DistributionConfig as { Origins: { VpcOriginConfig: { OriginReadTimeout: number } }[] };
    expect(distribution.Origins[0]?.VpcOriginConfig.OriginReadTimeout).toBe(
      frontDoorReadTimeoutSeconds,
    );
  });

  it('links each process only to what it calls, as compose names them, and starts it after them', () => {
    const links = Object.fromEntries(
      processNames.map((name) => [name, [...(container(name).Links ?? [])].sort()]),
    );
    const collector = `${traceCollectorName}:${traceCollectorName}`;
    expect(links).toEqual({
      auth: ['kafka:kafka', 'mongo:mongo', collector],
      user: ['auth:auth', 'kafka:kafka', 'mongo:mongo', collector],
      expense: ['auth:auth', 'kafka:kafka', 'mongo:mongo', collector],
      'parser-worker': ['kafka:kafka', 'mongo:mongo', collector],
      gateway: ['auth:auth', 'expense:expense', 'kafka:kafka', collector, 'user:user'],
    });
    for (const name of processNames) {
      const after = (container(name).DependsOn ?? []).map(
        (dependency) => `${dependency.ContainerName} once ${dependency.Condition}`,
      );
      expect({ name, after: after.sort() }).toEqual({
        name,
        // What it calls must be healthy; the collector only started (spans are optional).
        after: links[name]!.map((link) => link.split(':')[0])
          .map((linked) => `${linked} once ${linked === traceCollectorName ? 'START' : 'HEALTHY'}`)
          .sort(),
      });
    }
  });

  it('checks health on /ready in every process', () => {
    const ports = { gateway: 4000, auth: 4001, user: 4002, expense: 4003, 'parser-worker': 4004 };
    for (const [name, port] of Object.entries(ports)) {
      expect(container(name).HealthCheck.Command.join(' ')).toContain(
        `http://127.0.0.1:${port}/ready`,
      );
    }
  });

  it('drains on deploy: SIGTERM grace for every container, the old task stopped before the new starts', () => {
    for (const definition of containers()) expect(definition.StopTimeout).toBe(30);
    small.template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'EC2',
      DesiredCount: 1,
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MaximumPercent: 100,
        MinimumHealthyPercent: 0,
      },
    });
  });

  it('hands secrets over from Secrets Manager; MongoDB’s local URL holds none', () => {
    for (const definition of containers()) {
      const environment = (definition.Environment ?? []).map((variable) => variable.Name);
      expect(environment).not.toContain('SUBGRAPH_SHARED_SECRET');
      expect(environment).not.toContain('OPENAI_API_KEY');
      for (const secret of definition.Secrets ?? []) {
        expect(JSON.stringify(secret.ValueFrom)).toMatch(/secretsmanager|SubgraphSharedSecret/);
      }
    }
    expect(container('parser-worker').Secrets?.map((secret) => secret.Name)).toEqual([
      'OPENAI_API_KEY',
    ]);
    expect(environmentOf('expense').MONGO_URL).toBe('mongodb://mongo:27017');
    expect(environmentOf('gateway').KAFKA_BROKERS).toBe('kafka:9092');
  });

  it('keeps Kafka and MongoDB on an encrypted volume that outlives the host, in the host’s zone', () => {
    const [volumeId, volume] = only('AWS::EC2::Volume');
    expect(volume.Properties).toMatchObject({
      Encrypted: true,
      VolumeType: 'gp3',
      Size: profiles.small.dataVolumeGiB,
    });
    expect(volume.DeletionPolicy).toBe('Snapshot');
    const [, host] = ofType('AWS::EC2::Instance').find(
      ([, instance]) => instance.Properties?.InstanceType === profiles.small.instanceType,
    )!;
    expect(volume.Properties?.AvailabilityZone).toEqual(host.Properties?.AvailabilityZone);
    expect(JSON.stringify(host.Properties?.UserData)).toContain(volumeId);
    expect(environmentOf('kafka').KAFKA_LOG_DIRS).toBe('/var/lib/kafka/data');
  });

  it('joins the ECS cluster only once the data volume is mounted', () => {
    const script = dataVolumeUserData({ region: 'r', volumeId: 'vol-1', clusterName: 'c' });
    const line = (pattern: RegExp) => script.findIndex((command) => pattern.test(command));
    expect(line(/attach-volume/)).toBeGreaterThan(-1);
    expect(line(/^mount /)).toBeGreaterThan(line(/attach-volume/));
    expect(line(/ECS_CLUSTER=c/)).toBeGreaterThan(line(/^mount /));
    // The trace collector, in bridge mode, signs with the task role's credentials.
    expect(line(/ECS_ENABLE_TASK_IAM_ROLE=true/)).toBeLessThan(line(/ECS_CLUSTER=c/));
    // An existing file system (a replaced host's volume) is never formatted again.
    expect(script).toContain('blkid "$device" || mkfs.xfs "$device"');
  });

  it('grants no IAM wildcard resource where a specific one exists', () => {
    const withoutResourceLevel = [
      'ecr:GetAuthorizationToken',
      'ecs:DiscoverPollEndpoint',
      'xray:PutTraceSegments',
    ];
    for (const [id, policy] of ofType('AWS::IAM::Policy')) {
      const document = policy.Properties?.PolicyDocument as {
        Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
      };
      for (const statement of document.Statement) {
        const actions = [statement.Action].flat();
        const statementResources = [statement.Resource].flat();
        if (statementResources.includes('*')) {
          expect({ id, actions: actions.filter((a) => !withoutResourceLevel.includes(a)) }).toEqual(
            {
              id,
              actions: [],
            },
          );
        }
        if (actions.includes('ec2:AttachVolume')) {
          // Any instance id, but only one tagged as this stack's host.
          expect(statement.Condition).toEqual({
            StringEquals: { 'aws:ResourceTag/cashtrack:host': 'CashTrack-small' },
          });
        }
      }
    }
  });

  it('traces every request: each process sends all its spans to the collector, which writes them to X-Ray with the task role', () => {
    for (const name of processNames) {
      expect({ name, tracing: environmentOf(name) }).toMatchObject({
        name,
        tracing: {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://${traceCollectorName}:4318`,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: '1',
        },
      });
    }
    const collector = container(traceCollectorName);
    expect(collector).toMatchObject({ Image: adotCollectorImage, Essential: false });
    expect(collector.PortMappings ?? []).toEqual([]);
    const config = JSON.stringify(environmentOf(traceCollectorName).AOT_CONFIG_CONTENT);
    expect(config).toContain('0.0.0.0:4318');
    expect(config).toContain('https://xray.');
    expect(config).toContain('sigv4auth');

    const task = only('AWS::ECS::TaskDefinition')[1].Properties;
    const taskRole = (task?.TaskRoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const xrayStatements = ofType('AWS::IAM::Policy').flatMap(([, policy]) =>
      (
        policy.Properties?.PolicyDocument as {
          Statement: { Action: string | string[]; Resource: unknown }[];
        }
      ).Statement.filter((statement) => JSON.stringify(statement.Action).includes('xray:')).map(
        (statement) => ({ statement, roles: policy.Properties?.Roles }),
      ),
    );
    expect(xrayStatements).toEqual([
      {
        statement: { Action: 'xray:PutTraceSegments', Effect: 'Allow', Resource: '*' },
        roles: [{ Ref: taskRole }],
      },
    ]);
  });

  it('keeps logs in CloudWatch for the profile’s retention, and has no autoscaling', () => {
    for (const [, group] of ofType('AWS::Logs::LogGroup')) {
      expect(group.Properties?.RetentionInDays).toBe(profiles.small.logRetentionDays);
    }
    small.template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });
});
