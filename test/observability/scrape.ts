import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

/**
 * One process's /metrics as PromQL sees it: samples by series name, so a histogram `x` shows as
 * `x_bucket`, `x_sum` and `x_count`, each with its labels.
 */
export type Scrape = ReadonlyMap<string, ParsedFamily>;

/**
 * Reads `${baseUrl}/metrics` as Prometheus would, and fails on anything but a 200 in the text
 * format. parse-prometheus-text-format merges a histogram's series into one and drops their
 * labels, so the series are read from a second pass with every family declared untyped.
 */
export async function scrape(baseUrl: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
  const text = await response.text();
  parsePrometheusTextFormat(text);
  const series = new Map<string, ParsedFamily>();
  // Untyped, a histogram's series alternate (x_bucket, x_sum, x_count, x_bucket...): merge them.
  for (const family of parsePrometheusTextFormat(text.replace(/^# TYPE .*$/gm, ''))) {
    const metrics = [...(series.get(family.name)?.metrics ?? []), ...family.metrics];
    series.set(family.name, { ...family, metrics });
  }
  return series;
}

/** Every label value of every series in a scrape, with the series and label it came from. */
export function labelValuesOf(
  metrics: Scrape,
): { readonly metric: string; readonly label: string; readonly value: string }[] {
  return [...metrics.values()].flatMap((family) =>
    family.metrics.flatMap((sample) =>
      Object.entries(sample.labels ?? {}).map(([label, value]) => ({
        metric: family.name,
        label,
        value,
      })),
    ),
  );
}
