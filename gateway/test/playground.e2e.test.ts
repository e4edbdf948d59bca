import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import { chromiumArgs, requireChromium } from '@cashtrack/test-support';
import { gatewayClient, gql } from './support/apolloClient.ts';
import { startSystem, type RunningSystem } from './support/system.ts';

let system: RunningSystem;
let browser: Browser;

beforeAll(async () => {
  const executablePath = requireChromium();
  system = await startSystem();
  browser = await chromium.launch({ executablePath, args: [...chromiumArgs] });
  // A first run may install Chromium with apt-get.
}, 15 * 60_000);

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

describe('the playground in headless Chromium', () => {
  it('runs `me` with a pasted access token and shows the answer on the page', async () => {
    const signUp = await gatewayClient(system.graphqlUrl).mutate<{
      signUp: { accessToken: string; user: { id: string } };
    }>(gql`
      mutation {
        signUp(
          input: {
            email: "playground.user@example.com"
            password: "playground-pass"
            displayName: "Play Ground"
          }
        ) {
          accessToken
          user {
            id
          }
        }
      }
    `);
    const session = signUp.data?.signUp;
    if (session === undefined) throw new Error(`sign-up failed: ${JSON.stringify(signUp.errors)}`);

    const page = await browser.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (request) => failedRequests.push(request.url()));
    await page.goto(
      `${system.graphqlUrl}#query=${encodeURIComponent('{ me { id displayName } }')}`,
    );
    await page.fill('#access-token', session.accessToken);
    await page.press('#access-token', 'Enter');
    await page.locator('#access-token').blur();
    await page.click('.graphiql-execute-button');
    const response = page.locator('.graphiql-response');
    await response.getByText(session.user.id).waitFor({ timeout: 15_000 });
    expect(await response.innerText()).toContain('Play Ground');
    expect(failedRequests).toEqual([]);
  });
});
