import { CodedError, errorMessage } from '@cashtrack/platform';
import { createExtractor } from '../extraction/createExtractor.ts';
import { evaluate } from '../evaluation/evaluate.ts';
import { formatReport } from '../evaluation/formatReport.ts';
import { readSamples } from '../evaluation/samples.ts';

/**
 * `npm run eval:parser -- FILE`: runs the extractor the worker would use over a JSONL file of
 * labelled samples and prints accuracy per field and per message, the failures, and last a JSON
 * line with the figures. Exits 2 when the file cannot be read; a low score is not an error.
 */

const file = process.argv[2];
if (file === undefined || file.startsWith('-')) {
  process.stderr.write('usage: npm run eval:parser -- FILE.jsonl\n');
  process.exit(2);
}
try {
  const samples = await readSamples(file);
  const report = await evaluate(samples, createExtractor(process.env));
  process.stdout.write(`${formatReport(report, file).join('\n')}\n`);
} catch (error) {
  const code = error instanceof CodedError ? error.code : 'EVAL_FAILED';
  process.stderr.write(`${code}: ${errorMessage(error)}\n`);
  process.exitCode = 2;
}
