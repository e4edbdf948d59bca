import { parseArgs } from 'node:util';
import { CodedError, createLogger, errorMessage } from '@cashtrack/platform';
import { down, status, up } from './infrastructure.ts';
import { readInfraSettings } from './settings.ts';

const log = createLogger('infra', 'stderr');

const usage =
  'usage: infra/src/cli.ts up [--json] | down [--only kafka,ferretdb] | status [--json]';

/**
 * `infra:up`, `infra:down`, `infra:status`. Progress is logged as JSON lines on stderr;
 * `--json` prints the outcome as one JSON document on stdout for programs (the test setup).
 */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, only: { type: 'string' } },
  });
  const print = (outcome: unknown): void => {
    if (values.json) process.stdout.write(`${JSON.stringify(outcome)}\n`);
  };
  switch (positionals[0]) {
    case 'up': {
      const reports = await up();
      for (const report of reports) log.info(report, `${report.name} ${report.state}`);
      print(reports);
      return;
    }
    case 'down': {
      const stopped = await down(readInfraSettings(), values.only?.split(','));
      log.info(
        { stopped },
        stopped.length === 0 ? 'nothing to stop' : `stopped ${stopped.join(', ')}`,
      );
      print(stopped);
      return;
    }
    case 'status': {
      const servers = await status();
      for (const server of servers)
        log.info(server, `${server.name} ${server.ready ? 'ready' : 'down'}`);
      print(servers);
      return;
    }
    default:
      throw new CodedError('USAGE', usage);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = error instanceof CodedError ? error.code : 'INFRA_FAILED';
  log.error({ code }, errorMessage(error));
  process.exitCode = 1;
});
