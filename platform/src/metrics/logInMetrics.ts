import { Counter, type Registry } from 'prom-client';

/** Why a log-in failed: a wrong email or password, or the log-in throttle refused to check. */
export type LogInFailureReason = 'invalid_credentials' | 'too_many_attempts';

const reasons: readonly LogInFailureReason[] = ['invalid_credentials', 'too_many_attempts'];

/** Counts failed log-ins by reason; every reason's series exists from the start, at 0. */
export function logInFailureCounter(registry: Registry): (reason: LogInFailureReason) => void {
  const failures = new Counter({
    name: 'auth_login_failures_total',
    help: 'Log-ins that failed, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of reasons) failures.inc({ reason }, 0);
  return (reason) => failures.inc({ reason });
}
