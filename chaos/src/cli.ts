import { createLogger, envInt } from '@cashtrack/platform';
import { chaosSeed } from './prng.ts';
import { runChaos } from './runChaos.ts';

/**
 * `npm run chaos`: a bounded chaos run on a private system (loopback only, its own Kafka,
 * FerretDB and services on free ports). `CHAOS_SECONDS` (default 120), `CHAOS_SEED` (replay a
 * run), `CHAOS_USERS` (default 5). Prints figures as it goes; the last line is one JSON object.
 * Exits 1 when an invariant is broken.
 */
const log = createLogger('chaos', 'stderr');
const report = await runChaos({
  seconds: envInt('CHAOS_SECONDS', 120),
  seed: chaosSeed(process.env.CHAOS_SEED),
  users: envInt('CHAOS_USERS', 5),
  log,
  print: (line) => process.stdout.write(`${line}\n`),
});
const { details: _details, ...figures } = report;
// Exit explicitly once the last line is out: a client socket left half-closed by a killed
// server must not keep a finished run alive.
process.stdout.write(`${JSON.stringify({ bench: 'chaos', ...figures })}\n`, () =>
  process.exit(report.ok ? 0 : 1),
);
