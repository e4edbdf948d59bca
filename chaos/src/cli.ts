import { createLogger, envInt, envList } from '@cashtrack/platform';
import { faultTargets, type FaultTarget } from './faultPlan.ts';
import { chaosSeed } from './prng.ts';
import { runChaos } from './runChaos.ts';

/**
 * `npm run chaos`: a bounded chaos run on a private system (loopback only, its own Kafka,
 * FerretDB and services on free ports). `CHAOS_SECONDS` (default 120), `CHAOS_SEED` (replay a
 * run), `CHAOS_USERS` (default 5), `CHAOS_TARGETS` (comma-separated subset of the targets, to
 * chase one finding), `CHAOS_KEEP_DIR=1` (keep the private system's data and logs). Prints figures as it goes; the last line is one JSON object.
 * Exits 1 when an invariant is broken.
 */
const log = createLogger('chaos', 'stderr');
const isTarget = (name: string): name is FaultTarget =>
  (faultTargets as readonly string[]).includes(name);
const targets = envList('CHAOS_TARGETS', [...faultTargets]);
const unknown = targets.filter((name) => !isTarget(name));
if (unknown.length > 0)
  throw new Error(`CHAOS_TARGETS names ${unknown.join(', ')}; known: ${faultTargets.join(', ')}`);
const report = await runChaos({
  seconds: envInt('CHAOS_SECONDS', 120),
  seed: chaosSeed(process.env.CHAOS_SEED),
  users: envInt('CHAOS_USERS', 5),
  targets: targets.filter(isTarget),
  keepDir: process.env.CHAOS_KEEP_DIR === '1',
  log,
  print: (line) => process.stdout.write(`${line}\n`),
});
const { details: _details, ...figures } = report;
// Exit explicitly once the last line is out: a client socket left half-closed by a killed
// server must not keep a finished run alive.
process.stdout.write(`${JSON.stringify({ bench: 'chaos', ...figures })}\n`, () =>
  process.exit(report.ok ? 0 : 1),
);
