import { text, type Setting } from '../config/setting.ts';

export const metricsSettings = {
  metricsToken: {
    variable: 'METRICS_TOKEN',
    parse: text,
    fallback: '',
    doc:
      'a bearer token that lets a scraper on another host read /metrics (Prometheus: ' +
      '`authorization.credentials`); unset, only callers on this host may read it',
  } satisfies Setting<string>,
};
