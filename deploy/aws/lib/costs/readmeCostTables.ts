import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { CodedError } from '../../../../platform/src/errors.ts';
import { costTableMarkers, costTablesMarkdown } from './costTable.ts';

/** The cost tables as the README holds them: formatted by prettier, as every commit is. */
export async function formattedCostTables(readmePath: string): Promise<string> {
  const options = (await prettier.resolveConfig(readmePath)) ?? {};
  const formatted = await prettier.format(costTablesMarkdown(), { ...options, parser: 'markdown' });
  return formatted.trimEnd();
}

/** The README's text with `block` between the cost-table markers. */
export function withCostTables(readme: string, block: string): string {
  const begin = readme.indexOf(costTableMarkers.begin);
  const end = readme.indexOf(costTableMarkers.end);
  if (begin === -1 || end < begin) {
    throw new CodedError('COST_TABLE_MARKERS_MISSING', 'the README has no cost-table markers');
  }
  return `${readme.slice(0, begin + costTableMarkers.begin.length)}\n\n${block}\n\n${readme.slice(end)}`;
}

export function readmeAt(repoRoot: string): { path: string; text: string } {
  const readmePath = path.join(repoRoot, 'README.md');
  return { path: readmePath, text: readFileSync(readmePath, 'utf8') };
}
