import { createInterface } from 'node:readline';
import { createLogger } from '@cashtrack/platform';
import { createExtractor } from '../extraction/createExtractor.ts';
import { runParse } from './parseLines.ts';

/**
 * `npm run parse`: JSON lines in on stdin, one JSON line out per input on stdout (DESIGN.md,
 * "Parser command line"). Exits 1 when any line failed, after answering every line.
 */

const logger = createLogger('parser-cli', 'stderr');
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const summary = await runParse(
  lines,
  (line) => process.stdout.write(`${line}\n`),
  createExtractor(process.env),
);
logger.debug(summary, 'parsed input lines');
if (summary.failed > 0) {
  logger.warn({ failed: summary.failed }, 'some input lines could not be parsed');
  process.exitCode = 1;
}
