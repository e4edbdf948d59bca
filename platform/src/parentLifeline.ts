import type { Logger } from './logger.ts';

export interface StopWithParentOptions {
  /**
   * How long the graceful shutdown may take once the parent is gone before the process exits
   * anyway. Default 10 000 ms: less than the supervisor's own 15 s grace, as nobody waits now.
   */
  readonly graceMs?: number;
}

/**
 * Ends this process when the supervisor that started it dies, however it dies.
 *
 * `npm start` spawns every service with an IPC channel. The kernel closes that channel when the
 * supervisor exits for any reason, SIGKILL and a closed terminal included, where no handler of
 * the supervisor's could run; Node then emits 'disconnect' here. We answer with SIGTERM to
 * ourselves, so the service's usual graceful shutdown (`stopOnShutdownSignals`) runs, or, while
 * it is still starting and has no handler yet, the default action ends it at once. Polling the
 * parent pid instead would be late and could be fooled by a reused pid.
 *
 * Without an IPC channel (started by hand, by Docker, by a test) it does nothing. Call it first
 * thing in a service's entry point, so a supervisor dying during a slow start is noticed too.
 */
export function stopWithParent(log: Logger, options: StopWithParentOptions = {}): void {
  // `send` exists only in a process spawned with an IPC channel, and stays after it closes.
  if (process.send === undefined) return;
  const parentGone = (): void => {
    log.warn('the supervisor is gone (its IPC channel closed); stopping');
    // A shutdown step that hangs (a broker that no longer answers) must not leave an orphan.
    setTimeout(() => process.exit(1), options.graceMs ?? 10_000).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  // Loading the modules before this call runs the event loop: the channel may have closed
  // already, and its 'disconnect' gone by unheard.
  if (!process.connected) {
    parentGone();
    return;
  }
  // The channel is a lifeline, not work: it must not keep a stopped service's event loop alive.
  process.channel?.unref();
  process.once('disconnect', parentGone);
}
