import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { envInt, envString } from '@cashtrack/platform';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the local servers live and listen. Every value can be overridden by environment. */
export interface InfraSettings {
  readonly repoRoot: string;
  /** `CASHTRACK_INFRA_DIR`, default `<repo>/.infra`: data, logs (`logs/`), pid files (`run/`). */
  readonly infraDir: string;
  /**
   * `CASHTRACK_INFRA_INSTALL_DIR`, default the infra dir: Kafka's jars and the FerretDB build.
   * Separate so a private infra dir (tests that stop their own servers) runs the binaries the
   * repository already installed instead of fetching Kafka and building FerretDB again.
   */
  readonly installDir: string;
  readonly kafka: {
    /** `KAFKA_BROKERS`: when set, that cluster is used and no broker is started. */
    readonly external: string | undefined;
    readonly host: string;
    /** `CASHTRACK_KAFKA_PORT`, default 9092. */
    readonly port: number;
    /** `CASHTRACK_KAFKA_CONTROLLER_PORT`, default 9093. */
    readonly controllerPort: number;
    /** `CASHTRACK_KAFKA_HEAP`, default 512m: the broker's maximum heap. */
    readonly heap: string;
  };
  readonly mongo: {
    /** `MONGO_URL`: when set, that server is used and none is started. */
    readonly external: string | undefined;
    readonly host: string;
    /** `CASHTRACK_MONGO_PORT`, default 27017. */
    readonly port: number;
  };
}

export function readInfraSettings(): InfraSettings {
  const external = (name: string): string | undefined => {
    const value = process.env[name]?.trim();
    return value ? value : undefined;
  };
  const infraDir = path.resolve(repoRoot, envString('CASHTRACK_INFRA_DIR', '.infra'));
  return {
    repoRoot,
    infraDir,
    installDir: path.resolve(repoRoot, envString('CASHTRACK_INFRA_INSTALL_DIR', infraDir)),
    kafka: {
      external: external('KAFKA_BROKERS'),
      host: '127.0.0.1',
      port: envInt('CASHTRACK_KAFKA_PORT', 9092),
      controllerPort: envInt('CASHTRACK_KAFKA_CONTROLLER_PORT', 9093),
      heap: envString('CASHTRACK_KAFKA_HEAP', '512m'),
    },
    mongo: {
      external: external('MONGO_URL'),
      host: '127.0.0.1',
      port: envInt('CASHTRACK_MONGO_PORT', 27017),
    },
  };
}
