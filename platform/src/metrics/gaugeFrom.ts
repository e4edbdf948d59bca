import { Gauge, type Registry } from 'prom-client';

/** A gauge read from `read` when scraped, for figures a part already keeps (open sockets). */
export function gaugeFrom(registry: Registry, name: string, help: string, read: () => number) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}
