import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { errorCodes, postGraphQL, waitFor } from '@cashtrack/test-support';
import { startAppSystem, type AppSystem } from './appSystem.ts';

/**
 * The app in headless Chromium at phone size against the real system, found by accessible
 * names as a screen reader would. Access tokens live 20 s here, so they expire again and again
 * while a person uses the app; nothing of that may show.
 */
const tokenLifetimeMs = 20_000;

let app: AppSystem;
let phone: BrowserContext;
let page: Page;
const email = `app-${Date.now()}@example.com`;

beforeAll(async () => {
  app = await startAppSystem({ accessTokenLifetimeMs: tokenLifetimeMs });
  phone = await app.newPhone();
  page = await phone.newPage();
}, 15 * 60_000);

afterAll(async () => {
  await app?.stop();
});

async function logMessage(on: Page, text: string): Promise<void> {
  const field = on.getByLabel('What did you spend?');
  await field.fill(text);
  await field.press('Enter');
}

function expenseRow(on: Page, name: RegExp) {
  return on.getByRole('button', { name });
}

describe('the CashTrack app in a browser', () => {
  it('signs up a new person', async () => {
    await page.goto(app.appUrl);
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await app.screenshot(page, '01-log-in');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByLabel('Display name').fill('Ada Phone');
    await app.screenshot(page, '02-sign-up');
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    await page.getByRole('tab', { name: 'Expenses' }).waitFor();
    await page.getByText('Ada Phone').waitFor();
    expect(await page.getByRole('tab', { name: 'Spending' }).isVisible()).toBe(true);
    expect(await page.getByRole('tab', { name: 'Profile' }).isVisible()).toBe(true);
  });

  it('logs "Spent $50 on groceries today": pending at once, then the expense, live', async () => {
    await waitFor(() => app.system.gateway.openSockets() >= 1, { timeoutMs: 15_000 });
    await logMessage(page, 'Spent $50 on groceries today');
    await page
      .getByText('Spent $50 on groceries today', { exact: true })
      .waitFor({ timeout: 2_000 });
    await expenseRow(page, /^groceries, \$50\.00, groceries/).waitFor({ timeout: 15_000 });
    await page.getByText(/\$50\.00 · groceries/).waitFor();
    await app.screenshot(page, '03-expenses');
  });

  it('shows a second tab a new expense live', async () => {
    const second = await phone.newPage();
    await second.goto(app.appUrl);
    await expenseRow(second, /^groceries, \$50\.00/).waitFor({ timeout: 15_000 });
    await waitFor(() => app.system.gateway.openSockets() >= 2, { timeoutMs: 15_000 });
    await logMessage(page, 'coffee 4.50');
    await expenseRow(second, /\$4\.50/).waitFor({ timeout: 15_000 });
    await app.screenshot(second, '04-second-tab');
    await second.close();
  });

  it('says unobtrusively when it is offline, and catches up once back', async () => {
    const third = await phone.newPage();
    let reachable = true;
    let live: WebSocketRoute | undefined;
    await third.routeWebSocket(/\/graphql$/, (socket) => {
      if (!reachable) {
        void socket.close({ code: 1011, reason: 'unreachable' });
        return;
      }
      socket.connectToServer();
      live = socket;
    });
    await third.goto(app.appUrl);
    await expenseRow(third, /\$4\.50/).waitFor({ timeout: 15_000 });
    await waitFor(() => live !== undefined && app.system.gateway.openSockets() >= 2, {
      timeoutMs: 15_000,
    });
    await logMessage(page, 'tea 2.25 today');
    await expenseRow(third, /\$2\.25/).waitFor({ timeout: 15_000 });

    reachable = false;
    await live?.close({ code: 1006, reason: 'network lost' });
    await third.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 10_000 });
    await app.screenshot(third, '05-offline');
    await logMessage(page, 'parking 3 today');
    await expenseRow(page, /\$3\.00/).waitFor({ timeout: 15_000 });

    reachable = true;
    // Back online, it resubscribes after the last change it saw: the missed one arrives.
    await expenseRow(third, /\$3\.00/).waitFor({ timeout: 30_000 });
    await waitFor(
      async () => (await third.getByRole('status').filter({ hasText: 'Offline' }).count()) === 0,
      {
        timeoutMs: 10_000,
      },
    );
    await third.close();
  });

  it('answers a message with no expense in it', async () => {
    await logMessage(page, 'hello there');
    const answer = page.getByRole('listitem').filter({ hasText: 'hello there' }).getByRole('alert');
    await answer.waitFor({ timeout: 15_000 });
    expect((await answer.innerText()).length).toBeGreaterThan(5);
    await app.screenshot(page, '05-no-expense');
  });

  it('adds an expense by hand', async () => {
    await page.getByRole('button', { name: 'Add expense' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add expense' });
    await dialog.getByLabel('Amount').fill('7.25');
    await dialog.getByRole('radio', { name: 'transport' }).click();
    await dialog.getByLabel('Description').fill('bus ticket');
    await app.screenshot(page, '06-add');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expenseRow(page, /^bus ticket, \$7\.25, transport/).waitFor({ timeout: 10_000 });
  });

  it('filters the list by category and by text', async () => {
    await page.getByRole('button', { name: 'Filters' }).click();
    await page
      .getByRole('radiogroup', { name: 'Category filter' })
      .getByRole('radio', { name: 'dining' })
      .click();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expenseRow(page, /\$4\.50/).waitFor({ timeout: 10_000 });
    await waitFor(async () => (await expenseRow(page, /^groceries/).count()) === 0, {
      timeoutMs: 10_000,
    });
    await app.screenshot(page, '07-filters');
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Search').fill('bus');
    await page.getByRole('button', { name: 'Apply' }).click();
    await waitFor(async () => (await expenseRow(page, /\$4\.50/).count()) === 0, {
      timeoutMs: 10_000,
    });
    await expenseRow(page, /^bus ticket/).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await expenseRow(page, /^groceries, \$50\.00/).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Hide filters' }).click();
  });

  it('edits an expense', async () => {
    await expenseRow(page, /^groceries, \$50\.00/).click();
    const dialog = page.getByRole('dialog', { name: 'Edit expense' });
    await dialog.waitFor();
    await dialog.getByLabel('Amount').fill('55');
    await dialog.getByLabel('Description').fill('weekly groceries');
    await app.screenshot(page, '08-edit');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expenseRow(page, /^weekly groceries, \$55\.00/).waitFor({ timeout: 10_000 });
  });

  it('shows the total on Spending', async () => {
    await page.getByRole('tab', { name: 'Spending' }).click();
    await page.getByLabel('Total spent').getByText('$72.00').waitFor({ timeout: 15_000 });
    await page.getByRole('listitem', { name: 'groceries: $55.00' }).waitFor();
    await app.screenshot(page, '09-spending');
    await page.getByRole('tab', { name: 'Expenses' }).click();
  });

  it('deletes an expense', async () => {
    await expenseRow(page, /^weekly groceries, \$55\.00/).click();
    await page
      .getByRole('dialog', { name: 'Edit expense' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await waitFor(async () => (await expenseRow(page, /^weekly groceries/).count()) === 0, {
      timeoutMs: 10_000,
    });
    await page.reload();
    await expenseRow(page, /\$4\.50/).waitFor({ timeout: 15_000 });
    expect(await expenseRow(page, /^weekly groceries/).count()).toBe(0);
  });

  it('asks the person to check a category the parser guessed, until they saved it', async () => {
    await logMessage(page, 'zorblax 9');
    const cue = page.getByRole('button', { name: 'Check category of zorblax 9, $9.00' });
    await cue.waitFor({ timeout: 15_000 });
    await page.getByText('The parser guessed “other”.').waitFor();
    await cue.scrollIntoViewIfNeeded();
    await app.screenshot(page, '11-guessed');
    await cue.click();
    const dialog = page.getByRole('dialog', { name: 'Edit expense' });
    await dialog.getByText(/The parser guessed this category/).waitFor();
    await dialog.getByRole('radio', { name: 'shopping' }).click();
    await app.screenshot(page, '12-check-category');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expenseRow(page, /^zorblax 9, \$9\.00, shopping/).waitFor({ timeout: 10_000 });
    expect(await page.getByRole('button', { name: /^Check category/ }).count()).toBe(0);
    // The server cleared the guess too: a fresh load asks nothing.
    await page.reload();
    await expenseRow(page, /^zorblax 9, \$9\.00, shopping/).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: /^Check category/ }).count()).toBe(0);
    await app.screenshot(page, '13-checked');
  });

  it('keeps the session over a reload, with no refresh token a script can read', async () => {
    await page.reload();
    await page.getByRole('tab', { name: 'Expenses' }).waitFor({ timeout: 15_000 });
    const cookies = await phone.cookies();
    const refresh = cookies.find((cookie) => cookie.name === 'cashtrack_refresh');
    expect(refresh?.httpOnly).toBe(true);
    expect(refresh?.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain('cashtrack_refresh');
    // Web storage holds at most the device token (not a credential), never the refresh token.
    const storage = await page.evaluate(() => ({
      local: Object.keys(localStorage),
      session: Object.keys(sessionStorage),
      text: JSON.stringify({ ...localStorage }),
    }));
    expect(storage.session).toEqual([]);
    expect(storage.local.filter((key) => key !== 'cashtrack.deviceTokens')).toEqual([]);
    expect(storage.text).not.toContain(decodeURIComponent(refresh?.value ?? 'missing'));
  });

  it('changes nothing for the person when the access token expires mid-session', async () => {
    await expenseRow(page, /\$4\.50/).waitFor({ timeout: 15_000 });
    await waitFor(() => app.system.gateway.openSockets() >= 1, { timeoutMs: 15_000 });
    // Past the token's life: the socket is closed with 4419 and HTTP would answer 401.
    await page.waitForTimeout(tokenLifetimeMs + 3_000);
    await logMessage(page, 'taxi 12 today');
    await expenseRow(page, /\$12\.00/).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Log in', exact: true }).count()).toBe(0);
    expect(await page.getByRole('status').filter({ hasText: 'Offline' }).count()).toBe(0);
  });

  it('shows the profile and logs out', async () => {
    await page.getByRole('tab', { name: 'Profile' }).click();
    await page.getByText(email).waitFor();
    await app.screenshot(page, '10-profile');
    const cookie = (await phone.cookies()).find((c) => c.name === 'cashtrack_refresh');
    const refreshToken = cookie === undefined ? undefined : decodeURIComponent(cookie.value);
    expect(refreshToken).toBeTruthy();
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor({ timeout: 10_000 });
    await waitFor(() => app.system.gateway.openSockets() === 0, { timeoutMs: 10_000 });
    expect((await phone.cookies()).some((cookie) => cookie.name === 'cashtrack_refresh')).toBe(
      false,
    );
    // The refresh token was revoked, not just forgotten.
    const refused = await postGraphQL(
      app.system.graphqlUrl.replace(/\/graphql$/, ''),
      'mutation ($token: String!) { refreshSession(refreshToken: $token) { accessToken } }',
      { token: refreshToken },
    );
    expect(errorCodes(refused)).toEqual(['INVALID_REFRESH_TOKEN']);
    await page.reload();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor({ timeout: 10_000 });
  });

  it('logs out on all devices: this one says so, and another one is sent to log in', async () => {
    const logIn = async (on: Page): Promise<void> => {
      await on.getByLabel('Email').fill(email);
      await on.getByLabel('Password').fill('correct horse battery');
      await on.getByRole('button', { name: 'Log in', exact: true }).click();
      await on.getByRole('tab', { name: 'Expenses' }).waitFor({ timeout: 15_000 });
    };
    await logIn(page);
    const laptop = await (await app.newPhone()).newPage();
    await laptop.goto(app.appUrl);
    await laptop.getByRole('button', { name: 'Log in', exact: true }).waitFor();
    await logIn(laptop);
    await waitFor(() => app.system.gateway.openSockets() >= 2, { timeoutMs: 15_000 });

    await page.getByRole('tab', { name: 'Profile' }).click();
    await page.getByRole('button', { name: 'Log out on all devices' }).click();
    await page.getByText('This logs you out on every phone and browser').waitFor();
    await app.screenshot(page, '14-log-out-everywhere');
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await page.getByRole('button', { name: 'Log in', exact: true }).waitFor({ timeout: 10_000 });
    await page.getByText('You are logged out on all your devices.').waitFor();
    await app.screenshot(page, '15-logged-out-everywhere');
    expect((await phone.cookies()).some((cookie) => cookie.name === 'cashtrack_refresh')).toBe(
      false,
    );

    // The laptop did nothing: its socket was closed, and its session could not be renewed.
    await laptop.getByText('Your session has ended. Please log in again.').waitFor({
      timeout: 15_000,
    });
    expect(await laptop.getByRole('tab', { name: 'Expenses' }).count()).toBe(0);
    await app.screenshot(laptop, '16-ended-elsewhere');
    await waitFor(() => app.system.gateway.openSockets() === 0, { timeoutMs: 10_000 });
  });
});
