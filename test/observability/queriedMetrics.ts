import { readFile } from 'node:fs/promises';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

const observability = new URL('../../deploy/observability/', import.meta.url);

/** The metric names a PromQL expression selects; throws on an expression that does not parse. */
export function metricNamesIn(expression: string): string[] {
  const names: string[] = [];
  parser.parse(expression).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL does not parse: ${expression}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.push(expression.slice(node.from, node.to));
      }
    },
  });
  return names;
}

interface Dashboard {
  readonly panels: readonly { readonly targets: readonly { readonly expr: string }[] }[];
}

interface AlertRules {
  readonly groups: readonly { readonly rules: readonly { readonly expr: string }[] }[];
}

/** Every PromQL expression of the provisioned dashboard and of the alert rules. */
export async function observabilityQueries(): Promise<string[]> {
  const read = (path: string) => readFile(new URL(path, observability), 'utf8');
  const dashboard = JSON.parse(await read('grafana/dashboards/cashtrack.json')) as Dashboard;
  const alerts = parseYaml(await read('prometheus/alerts.yml')) as AlertRules;
  return [
    ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
    ...alerts.groups.flatMap((group) => group.rules.map((rule) => rule.expr)),
  ];
}
