import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { runStep } from './commands.ts';
import type { LocalServer } from './localServer.ts';
import { startDetached } from './managedProcess.ts';
import { java, maven, requireTool } from './prerequisites.ts';
import type { InfraSettings } from './settings.ts';

const kafkaVersion = '3.9.2';

/** Apache Kafka's own broker from Maven Central: one KRaft node, broker and controller, on loopback. */
export function kafkaServer(settings: InfraSettings): LocalServer {
  const { infraDir, installDir, repoRoot } = settings;
  const { host, port, controllerPort, heap } = settings.kafka;
  const home = path.join(infraDir, 'kafka');
  const libDir = path.join(installDir, 'kafka', `lib-${kafkaVersion}`);
  const installedMarker = path.join(libDir, '.complete');
  const dataDir = path.join(home, 'data');
  const configFile = path.join(home, 'server.properties');
  const endpoint = settings.kafka.external ?? `${host}:${port}`;
  const useExisting = 'set KAFKA_BROKERS to use a running broker';

  return {
    name: 'kafka',
    endpoint,
    endpointVariable: 'KAFKA_BROKERS',
    external: settings.kafka.external !== undefined,
    readyTimeoutMs: 90_000,

    async isReady() {
      const kafka = new Kafka({
        clientId: 'cashtrack-infra-probe',
        brokers: endpoint.split(','),
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1_000,
        retry: { retries: 0 },
      });
      const admin = kafka.admin();
      const producer = kafka.producer({
        idempotent: true,
        retry: { retries: 1, initialRetryTime: 100 },
      });
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        // A group look-up and an idempotent producer make the broker create and load its
        // offsets and producer-state topics, so groups and producers work once it counts as ready.
        await admin.describeGroups(['cashtrack-infra-probe']);
        await producer.connect();
        return cluster.brokers.length > 0;
      } catch {
        return false;
      } finally {
        await Promise.all([admin.disconnect(), producer.disconnect()]).catch(() => undefined);
      }
    },

    isInstalled() {
      return existsSync(installedMarker);
    },

    // The install folder is named by the Kafka version, so an installed broker is the wanted one.
    isCurrent() {
      return Promise.resolve(existsSync(installedMarker));
    },

    async install() {
      if (existsSync(installedMarker)) return;
      requireTool(java, useExisting);
      requireTool(maven, useExisting);
      await mkdir(libDir, { recursive: true });
      await runStep(`fetching Apache Kafka ${kafkaVersion} from Maven Central`, 'mvn', [
        '-B',
        '-q',
        '-f',
        path.join(repoRoot, 'infra', 'kafka', 'pom.xml'),
        `-Dkafka.version=${kafkaVersion}`,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${libDir}`,
        '-DincludeScope=runtime',
      ]);
      await writeFile(installedMarker, new Date().toISOString());
    },

    async start() {
      requireTool(java, useExisting);
      await mkdir(dataDir, { recursive: true });
      await writeFile(configFile, serverProperties(settings, dataDir));
      const classpath = path.join(libDir, '*');
      // Kafka's own start scripts' JVM settings (kafka-run-class.sh, kafka-server-start.sh), as
      // the apache/kafka image of docker compose runs them. With G1's default 200 ms pause goal
      // and a heap growing from 128 MB, young collections here took 47 ms on average and up to
      // 116 ms, and every produce and fetch of those moments waited them out.
      const jvm = [
        `-Xms${heap}`,
        `-Xmx${heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-Djava.awt.headless=true',
        `-Dlog4j.configuration=file:${path.join(repoRoot, 'infra', 'kafka', 'log4j.properties')}`,
        '-cp',
        classpath,
      ];
      const formatted = (await readdir(dataDir)).includes('meta.properties');
      if (!formatted) {
        const clusterId = newClusterId();
        await runStep('formatting Kafka storage', 'java', [
          ...jvm,
          'kafka.tools.StorageTool',
          'format',
          '--ignore-formatted',
          '-t',
          clusterId,
          '-c',
          configFile,
        ]);
      }
      await startDetached(infraDir, 'kafka', 'java', [...jvm, 'kafka.Kafka', configFile]);
    },
  };

  function serverProperties(s: InfraSettings, logDirs: string): string {
    return [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${controllerPort}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${logDirs}`,
      'num.partitions=6',
      // Topics are created on purpose by ensureTopics(), with their retention and partitions.
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      // A single local node: consumer groups need not wait for more members, and tests may use
      // short sessions so a killed consumer's partitions move on quickly.
      'group.initial.rebalance.delay.ms=0',
      'group.min.session.timeout.ms=1000',
      `# written by infra:up for ${s.repoRoot}`,
      '',
    ].join('\n');
  }
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding. Like Kafka's own
 * `Uuid.randomUuid()`, never one starting with '-', which the storage tool would take for an
 * option (one format in 64 failed with "argument --cluster-id/-t: expected one argument").
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
