import { writeFileSync } from 'node:fs';
import { repoRoot } from '../lib/cashtrackStack.ts';
import { formattedCostTables, readmeAt, withCostTables } from '../lib/costs/readmeCostTables.ts';

// Rewrites the README's cost tables from deploy/aws/lib/costs (prices, profiles, usage), and
// prints them: `npx tsx deploy/aws/bin/costTable.ts`.
const readme = readmeAt(repoRoot);
const block = await formattedCostTables(readme.path);
writeFileSync(readme.path, withCostTables(readme.text, block));
process.stdout.write(`${block}\n`);
