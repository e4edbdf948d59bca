import { createLogger, errorMessage } from '@cashtrack/platform';
import type { WatchdogCommand, WatchdogReport } from './infraWatchdog.ts';
import { down } from './infrastructure.ts';
import { readInfraSettings } from './settings.ts';

// The watchdog process (see infraWatchdog.ts): remembers which servers its supervisor started
// and stops them once the supervisor's IPC channel closes without a release.
const log = createLogger('infra-watchdog', 'stderr');
const settings = readInfraSettings();
const guarded = new Set<string>();
const supervisorPid = process.ppid;

process.on('message', (command: WatchdogCommand) => {
  if (command.type === 'guard') guarded.add(command.name);
  else guarded.clear();
});

process.once('disconnect', () => {
  if (guarded.size === 0) process.exit(0);
  const names = [...guarded];
  log.warn({ supervisorPid, servers: names }, 'the supervisor died; stopping what it started');
  down(settings, names).then(
    (stopped) => {
      log.info({ stopped }, 'stopped');
      process.exit(0);
    },
    (error: unknown) => {
      log.error({ err: errorMessage(error) }, 'could not stop what the supervisor started');
      process.exit(1);
    },
  );
});

const ready: WatchdogReport = { type: 'ready' };
process.send?.(ready);
