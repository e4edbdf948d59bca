import { describe, expect, it } from '@jest/globals';
import { repoRoot } from '../lib/cashtrackStack.ts';
import { costTableMarkers } from '../lib/costs/costTable.ts';
import { monthlyCost, monthlyTotal } from '../lib/costs/monthlyCost.ts';
import { hoursPerMonth, prices } from '../lib/costs/prices.ts';
import { formattedCostTables, readmeAt, withCostTables } from '../lib/costs/readmeCostTables.ts';
import { profiles } from '../lib/profiles.ts';

describe('the monthly cost of each profile', () => {
  it('keeps small under the issue’s $60 a month, every line priced', () => {
    const total = monthlyTotal(monthlyCost(profiles.small));
    expect(total.unpriced).toBe(0);
    expect(total.usd).toBeLessThan(60);
  });

  it('prices the host the profile names', () => {
    const host = (instanceType: typeof profiles.small.instanceType) =>
      monthlyCost({ ...profiles.small, instanceType })[0];
    expect(host('t4g.small')?.prices).toEqual(['t4gSmallHour']);
    expect(host('t4g.large')?.usd).toBeCloseTo(2 * (host('t4g.medium')?.usd ?? 0));
  });

  it('prices the spans a profile keeps by its sampling share', () => {
    const spans = (traceSampleRatio: number) =>
      monthlyCost({ ...profiles.production, traceSampleRatio }).find((line) =>
        line.prices.includes('xraySpansIngestedGb'),
      )?.usd ?? 0;
    expect(spans(0.1)).toBeGreaterThan(0);
    expect(spans(1)).toBeCloseTo(10 * spans(0.1));
  });

  it("shows the trace collectors' share of the Fargate tasks without adding it twice", () => {
    const fargate = (lines: ReturnType<typeof monthlyCost>) =>
      lines
        .filter((line) => line.prices.includes('fargateArmGbHour'))
        .reduce((sum, line) => sum + (line.usd ?? 0), 0);
    const tasks = Object.values(profiles.production.tasks);
    const vcpu = tasks.reduce((sum, task) => sum + (task.cpu / 1024) * task.minTasks, 0);
    const gb = tasks.reduce((sum, task) => sum + (task.memoryMiB / 1024) * task.minTasks, 0);
    expect(fargate(monthlyCost(profiles.production))).toBeCloseTo(
      hoursPerMonth * (vcpu * prices.fargateArmVcpuHour.usd + gb * prices.fargateArmGbHour.usd),
    );
  });

  it('names, for every price, the page to check it against and where it was read', () => {
    for (const [name, price] of Object.entries(prices)) {
      expect({ name, page: price.page }).toEqual({
        name,
        page: expect.stringMatching(/^https:\/\/(aws\.amazon\.com|www\.mongodb\.com)\//),
      });
      expect({ name, seen: price.seen.length > 10 }).toEqual({ name, seen: true });
    }
  });

  it('is what the README shows, so the table cannot drift from the code', async () => {
    const readme = readmeAt(repoRoot);
    const block = await formattedCostTables(readme.path);
    // Rewriting the README's block with the code's tables changes nothing.
    const rewritten = withCostTables(readme.text, block);
    expect(rewritten.indexOf(costTableMarkers.begin)).toBeGreaterThan(-1);
    expect(rewritten).toBe(readme.text);
  });
});
