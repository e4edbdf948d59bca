import { spawnSync } from 'node:child_process';
import { CodedError } from '@cashtrack/platform';

export interface Tool {
  readonly command: string;
  readonly versionArgs: readonly string[];
  /** What the tool is needed for and how to install it, shown when it is missing. */
  readonly purpose: string;
  readonly install: string;
}

export const java: Tool = {
  command: 'java',
  versionArgs: ['-version'],
  purpose: 'Java 17 or later runs the local Kafka broker',
  install: 'apt-get install -y openjdk-17-jre-headless',
};

export const maven: Tool = {
  command: 'mvn',
  versionArgs: ['-v'],
  purpose: 'Maven fetches the Kafka broker from Maven Central',
  install: 'apt-get install -y maven',
};

export const go: Tool = {
  command: 'go',
  versionArgs: ['version'],
  purpose: 'Go 1.24 or later builds the local FerretDB server',
  install: 'apt-get install -y golang-go (or https://go.dev/doc/install)',
};

export const git: Tool = {
  command: 'git',
  versionArgs: ['--version'],
  purpose: 'git applies our patch series (infra/ferretdb/patches) to the FerretDB sources',
  install: 'apt-get install -y git',
};

/** Throws `MISSING_TOOL` with one line naming the tool, why it is needed and how to install it. */
export function requireTool(tool: Tool, alternative: string): void {
  const probe = spawnSync(tool.command, [...tool.versionArgs], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new CodedError(
      'MISSING_TOOL',
      `\`${tool.command}\` was not found: ${tool.purpose}. Install it with \`${tool.install}\`, or ${alternative}.`,
    );
  }
}
