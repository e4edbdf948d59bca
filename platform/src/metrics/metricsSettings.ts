import { readSetting, text, type Environment, type Setting } from '../config/setting.ts';

function onOrOff(value: string): boolean {
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new Error('must be 1 or 0');
}

export const metricsSettings = {
  metricsToken: {
    variable: 'METRICS_TOKEN',
    parse: text,
    fallback: '',
    doc:
      'a bearer token that lets a scraper on another host read /metrics (Prometheus: ' +
      '`authorization.credentials`); unset, only callers on this host may read it',
  } satisfies Setting<string>,
  metricsEnabled: {
    variable: 'METRICS_ENABLED',
    parse: onOrOff,
    fallback: true,
    doc:
      '`0` turns metrics off and makes them free: no timers or hooks on requests, subgraph ' +
      'fetches or projected events, no process metrics, and /metrics answers 404',
  } satisfies Setting<boolean>,
};

/** Whether this process keeps metrics (`METRICS_ENABLED`); read once by each part at start-up. */
export function metricsEnabled(env: Environment = process.env): boolean {
  return readSetting(metricsSettings.metricsEnabled, env);
}
