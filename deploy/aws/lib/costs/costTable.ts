import { profiles, type DeploymentProfile } from '../profiles.ts';
import { monthlyCost, monthlyTotal, usageByProfile } from './monthlyCost.ts';
import { hoursPerMonth, prices, type PriceName } from './prices.ts';

/** The README block the generator owns, between these two lines. */
export const costTableMarkers = {
  begin:
    '<!-- cost tables: generated from deploy/aws/lib/costs by `npx tsx deploy/aws/bin/costTable.ts`; a test holds them to the code -->',
  end: '<!-- end of cost tables -->',
} as const;

const dollars = (usd: number) => `$${usd.toFixed(2)}`;

function profileTable(profile: DeploymentProfile, footnote: (name: PriceName) => string): string {
  const lines = monthlyCost(profile);
  const total = monthlyTotal(lines);
  const usage = usageByProfile[profile.name];
  const rows = lines.map(
    (line) =>
      `| ${line.item} | ${line.usd === undefined ? 'not priced' : dollars(line.usd)} | ${
        line.prices.length === 0 ? 'no price found' : line.prices.map(footnote).join(' ')
      } |`,
  );
  const totalText =
    total.unpriced === 0
      ? `**${dollars(total.usd)}**`
      : `**${dollars(total.usd)} + ${total.unpriced} unpriced line**`;
  return [
    `| \`${profile.name}\`: ${usage.requests.toLocaleString('en-US')} requests a month | per month | prices |`,
    '| --- | --- | --- |',
    ...rows,
    `| **total** | ${totalText} | |`,
  ].join('\n');
}

/** Every profile's monthly table, then the prices they use with their pages and dates. */
export function costTablesMarkdown(): string {
  const used: PriceName[] = [];
  const footnote = (name: PriceName): string => {
    if (!used.includes(name)) used.push(name);
    return `[${used.indexOf(name) + 1}]`;
  };
  const tables = [profiles.small, profiles.production].map((profile) =>
    profileTable(profile, footnote),
  );
  const priceRows = used.map((name, index) => {
    const price = prices[name];
    return `| [${index + 1}] | $${price.usd} per ${price.per} | ${price.page} | ${price.seen} |`;
  });
  return [
    ...tables.flatMap((table) => [table, '']),
    `Prices (us-east-1, on demand, ${hoursPerMonth} hours a month, before free tiers and taxes):`,
    '',
    '| | price | AWS page to check | where the figure was read, and when |',
    '| --- | --- | --- | --- |',
    ...priceRows,
  ].join('\n');
}
