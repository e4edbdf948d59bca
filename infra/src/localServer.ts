/** One server that `infra:up` can provide locally, or take from the environment. */
export interface LocalServer {
  /** Pid and log file name. */
  readonly name: string;
  /** The address clients use, as its environment variable would hold it. */
  readonly endpoint: string;
  /** The environment variable that names an external server instead: `KAFKA_BROKERS`, `MONGO_URL`. */
  readonly endpointVariable: string;
  /** True when that variable is set: nothing is installed or started. */
  readonly external: boolean;
  /** Answers the protocol's own readiness call (a kafkajs admin call, a `ping`). */
  isReady(): Promise<boolean>;
  /**
   * True when there is something to run, even a build older than its sources (which `install`
   * would redo): lets a caller that must not rebuild shared binaries start what is there.
   */
  isInstalled(): boolean;
  /**
   * True when what is installed was built from the repository's current sources (for FerretDB,
   * its patch series among them); `install` rebuilds it otherwise.
   */
  isCurrent(): Promise<boolean>;
  /** Fetches or builds what is missing or older than its sources; a no-op when it is current. */
  install(): Promise<void>;
  /** Prepares storage and starts the process detached; resolves once it runs, not when ready. */
  start(): Promise<void>;
  /** How long a cold start may take before `up` gives up. */
  readonly readyTimeoutMs: number;
}
