import type { EvaluationReport, SampleResult, Tally } from './evaluate.ts';
import { scoredFields } from './evaluate.ts';

/**
 * The evaluation as people read it, then, as the very last line, one JSON object with the
 * figures (the convention of DESIGN.md for tools that measure).
 */

function percent(tally: Tally): string {
  return `${(tally.accuracy * 100).toFixed(1)}%`.padStart(6);
}

function row(label: string, tally: Tally): string {
  return `${label.padEnd(16)}${percent(tally)}  (${tally.correct}/${tally.total})`;
}

function brief(expenses: SampleResult['actual'] | SampleResult['expected']): string {
  if (expenses.length === 0) return 'no expense';
  return expenses
    .map((e) => `${e.amountMinor} ${e.currency} ${e.category} ${e.occurredOn}`)
    .join(' | ');
}

function failureLines(failure: SampleResult): string[] {
  const got = failure.error
    ? `error ${failure.error.code}: ${failure.error.message}`
    : brief(failure.actual) + (failure.reason ? ` (${failure.reason})` : '');
  return [
    `  #${failure.index} ${JSON.stringify(failure.text)} wrong: ${failure.wrongFields.join(', ')}`,
    `      expected ${brief(failure.expected)}`,
    `      got      ${got}`,
  ];
}

function answeredBy(report: EvaluationReport): string {
  const counts = Object.entries(report.answeredBy).map(([parser, count]) => `${parser} ${count}`);
  return counts.join(', ') || 'none';
}

/** Rounds to 4 decimals so the JSON line stays readable. */
function ratio(tally: Tally): number {
  return Math.round(tally.accuracy * 10_000) / 10_000;
}

export function formatReport(report: EvaluationReport, file: string): string[] {
  const summary = {
    eval: 'parser',
    file,
    parsers: report.parsers,
    answeredBy: report.answeredBy,
    messages: report.messages.total,
    messageAccuracy: ratio(report.messages),
    expenseCountAccuracy: ratio(report.count),
    ...Object.fromEntries(scoredFields.map((field) => [field, ratio(report.fields[field])])),
    dropped: report.dropped,
    guessed: report.guessed,
    failures: report.failures.length,
  };
  return [
    `parser evaluation of ${file} (${report.messages.total} messages, answered by: ${answeredBy(report)})`,
    'per field:',
    ...scoredFields.map((field) => `  ${row(field, report.fields[field])}`),
    `  ${row('expense count', report.count)}`,
    'per message (all fields right):',
    `  ${row('messages', report.messages)}`,
    `messages with an expense answered "no expense": ${report.dropped}`,
    `expenses marked as a guess: ${report.guessed}`,
    report.failures.length === 0 ? 'failures: none' : `failures (${report.failures.length}):`,
    ...report.failures.flatMap(failureLines),
    JSON.stringify(summary),
  ];
}
