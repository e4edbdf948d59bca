import { describe, expect, it } from '@jest/globals';
import { invariantNames } from '../src/invariants.ts';
import { chaosSeed } from '../src/prng.ts';
import { runChaos } from '../src/runChaos.ts';

/**
 * The short chaos run of `npm test`: the same code as `npm run chaos`, for about 30 s, on a
 * private system (its own Kafka, FerretDB and services on free ports). `CHAOS_SEED` replays a
 * failing run; the seed is in the failure message.
 */
describe('chaos', () => {
  it(
    'loses, doubles and misorders nothing while processes are killed and restarted',
    async () => {
      const seed = chaosSeed(process.env.CHAOS_SEED);
      const report = await runChaos({ seconds: 30, seed, users: 4 });
      const broken = Object.fromEntries(
        invariantNames.filter((name) => report[name] !== 0).map((name) => [name, report[name]]),
      );
      // The seed and the first details say what to replay and where to look.
      expect({ seed, broken, details: report.details.slice(0, 10) }).toEqual({
        seed,
        broken: {},
        details: [],
      });
      expect(report.operationsAcknowledged).toBeGreaterThan(0);
      expect(report.faultsInjected).toBeGreaterThan(0);
    },
    8 * 60_000,
  );
});
