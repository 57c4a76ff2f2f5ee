import test from 'ava';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM_INSTALL_TIMEOUT_MS, launchBrowser } from '../helpers/browser.js';
import type { TestBrowser } from '../helpers/browser.js';
import { startNode, TRADER_TOKEN } from '../gateway/harness.js';
import type { Node } from '../gateway/harness.js';

/** Screenshots of every page, kept as test artifacts (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('../../artifacts/ui/', import.meta.url));

let node: Node;
let browser: TestBrowser;
let page: Page;
const pageErrors: string[] = [];

test.before(async (t) => {
  // Installing Chromium on first use can take minutes; the suite itself takes seconds.
  t.timeout(CHROMIUM_INSTALL_TIMEOUT_MS + 60_000, 'starting the node and Chromium (installed when missing)');
  mkdirSync(ARTIFACTS, { recursive: true });
  node = await startNode({ everyMs: 100 });
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // A refused login is a 401 the browser reports as a failed resource; anything else is a script problem.
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 401/.test(m.text())) pageErrors.push(m.text()); });
});

test.after.always(async () => {
  await browser?.close();
  await node?.stop();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

async function open(route: string): Promise<void> {
  await page.goto(`${node.gateway.url}/app.html#/${route}`);
  await page.waitForSelector(`main#page[data-page="${route.split('/')[0]}"] .page-title`);
}

test.serial('a trader signs in with the token (a wrong one is refused) and sees the dashboard, labelled SYNTHETIC DATA', async (t) => {
  await page.goto(node.gateway.url);
  await page.fill('#token', 'not-the-token');
  await page.click('button[type=submit]');
  await page.waitForSelector('#login-error:has-text("wrong trader token")');
  await shot('login');
  await page.fill('#token', TRADER_TOKEN);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/app\.html/);
  await page.waitForSelector('[data-testid=equity] .v');
  await page.waitForSelector('[data-testid=synthetic-badge]:not(.hidden)');
  await page.waitForSelector('[data-testid=node-embedded][data-status=up]');
  await page.waitForSelector('[data-testid=trading-state]:has-text("ACTIVE")');
  t.is(await page.textContent('[data-testid=equity] .v'), '100,000.00');
  t.is(await page.textContent('[data-testid=synthetic-badge]'), 'SYNTHETIC DATA');
  await shot('dashboard');
});

test.serial('the price of a symbol updates live on its chart and in the ticker', async (t) => {
  await open('symbol/AAPL');
  await page.waitForSelector('[data-testid=chart]:not([data-bars="0"])');
  await page.waitForSelector('[data-testid=chart][data-last]');
  const first = await page.getAttribute('[data-testid=chart]', 'data-bars');
  const firstTick = await page.textContent('[data-testid=ticker-AAPL] .px');
  await page.waitForFunction((bars) => Number(document.querySelector('[data-testid=chart]')?.getAttribute('data-bars')) > Number(bars), first);
  await page.waitForFunction((px) => document.querySelector('[data-testid=ticker-AAPL] .px')?.textContent !== px, firstTick);
  t.regex((await page.textContent('[data-testid=last-price]')) ?? '', /^\d[\d,]*\.\d\d$/);
  t.true(await page.isVisible('[data-testid=chart] canvas'), 'lightweight-charts drew the chart');
  await shot('symbol');
});

test.serial('a market order from the ticket is filled and the position changes', async (t) => {
  // The VaR check wants 20 daily returns before a position opens: wait for them on the chart first.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=chart]')?.getAttribute('data-bars')) >= 25, undefined, { timeout: 30_000 });
  await open('ticket/AAPL');
  await page.waitForSelector('[data-testid=ticket-position]:has-text("0")');
  await page.fill('#ticket-qty', '10');
  await page.click('#ticket-submit');
  await page.waitForSelector('[data-testid=ticket-result] [data-status=filled]');
  await page.waitForSelector('[data-testid=ticket-position]:text-is("10")');
  t.regex((await page.textContent('[data-testid=ticket-result]')) ?? '', /Filled 10 @ \d/);
  await page.waitForSelector('[data-testid=ticket-orders] tr[data-status=filled]');
  await shot('ticket-filled');
});

test.serial('an order over a limit shows its denial code and message', async (t) => {
  await page.fill('#ticket-qty', '100000');
  await page.click('#ticket-submit');
  await page.waitForSelector('[data-testid=denial-code]');
  t.is(await page.textContent('[data-testid=denial-code]'), 'NOTIONAL_EXCEEDS_MAX_PER_ORDER');
  t.regex((await page.textContent('[data-testid=denial-message]')) ?? '', /^NOTIONAL_EXCEEDS_MAX_PER_ORDER: max=50000, was=\d+/);
  await shot('ticket-denied');
});

test.serial('an open limit order shows in the blotter and can be cancelled', async (t) => {
  const last = Number(((await page.textContent('[data-testid=ticket-last]')) ?? '').replace(/,/g, ''));
  await page.selectOption('#ticket-type', 'limit');
  await page.fill('#ticket-qty', '5');
  await page.fill('#ticket-limit', (Math.floor(last * 92) / 100).toFixed(2));
  await page.click('#ticket-submit');
  await page.waitForSelector('[data-testid=ticket-result] [data-status=accepted]');
  await open('blotter');
  const row = page.locator('[data-testid=open-orders] tr[data-status=accepted]').first();
  await row.waitFor();
  const id = await row.getAttribute('data-order-id');
  await shot('blotter');
  await page.click(`[data-testid="cancel-${id}"]`);
  await page.waitForSelector(`[data-testid=orders] tr[data-order-id="${id}"][data-status=canceled]`);
  t.is(await page.locator(`[data-testid=open-orders] tr[data-order-id="${id}"]`).count(), 0);
  t.true(await page.locator('[data-testid=fills] tr[data-fill-id]').count() >= 1, 'the fill of the market order is listed');
});

test.serial('the risk page shows every limit with its utilisation, VaR and the trading state', async (t) => {
  await open('risk');
  // The AAPL position uses some of the gross exposure limit (the status is re-read every second).
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=limits] .util[data-key=grossExposure]')?.getAttribute('data-utilisation')) > 0);
  await page.waitForSelector('[data-testid=var] dl');
  t.true(await page.locator('[data-testid=limits] .util').count() >= 9);
  t.regex((await page.textContent('[data-testid=risk-state]')) ?? '', /ACTIVE/);
  await page.waitForSelector('[data-testid=alerts] li[data-code=NOTIONAL_EXCEEDS_MAX_PER_ORDER]');
  await shot('risk');
});

test.serial('a sweep shows its progress, then sortable results and a heatmap of two parameters', async (t) => {
  await open('optimizer');
  await page.selectOption('#opt-symbol', 'MSFT');
  await page.fill('#opt-grid', 'fast=2..20:2,slow=10..60:5');
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid=sweep-progress]') as HTMLElement;
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => seen.push(`${el.dataset['done']}/${el.dataset['total']}`)).observe(el, { attributes: true, attributeFilter: ['data-done'] });
  });
  await page.click('#opt-run');
  await page.waitForSelector('[data-testid=sweep-progress][data-state=done]', { timeout: 60_000 });
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  t.true(seen.some((s) => { const [d, n] = s.split('/').map(Number); return d! > 0 && d! < n!; }), `intermediate progress was shown: ${seen.join(' ')}`);
  const total = Number(await page.getAttribute('[data-testid=sweep-progress]', 'data-total'));
  t.true(total > 50);
  t.is(await page.getAttribute('[data-testid=sweep-progress]', 'data-done'), String(total));
  const rows = page.locator('[data-testid=results-table] tbody tr');
  t.true(await rows.count() > 50);
  await page.click('[data-testid=results-table] th[data-key=trades]');
  await page.waitForSelector('[data-testid=results-table] th[data-key=trades].sorted-desc');
  const trades = await page.locator('[data-testid=results-table] tbody tr td:last-child').allTextContents();
  const numbers = trades.map((x) => Number(x.replace(/,/g, '')));
  t.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'sorted by trades, most first');
  t.true(Number(await page.getAttribute('[data-testid=heatmap] .heatmap', 'data-cells')) > 20);
  await shot('optimizer');
});

test.serial('a backtest shows its metrics and equity curve', async (t) => {
  await open('backtest');
  await page.selectOption('#bt-symbol', 'NVDA');
  await page.fill('#bt-p-fast', '3');
  await page.fill('#bt-p-slow', '8');
  await page.click('#bt-run');
  await page.waitForSelector('[data-testid=backtest-status][data-state=done]', { timeout: 60_000 });
  t.regex((await page.textContent('[data-testid=bt-final-equity] .v')) ?? '', /^\d[\d,]*\.\d\d$/);
  t.regex((await page.textContent('[data-testid=backtest-status]')) ?? '', /sma-cross on NVDA, \d+ bars/);
  t.true(await page.isVisible('[data-testid=backtest-equity] canvas'));
  await shot('backtest');
  t.deepEqual(pageErrors, [], 'no script errors in the pages');
});

test.serial('a socket without a login is refused, and the app page sends the visitor to the login page', async (t) => {
  await browser.context.clearCookies();
  const outcome = await page.evaluate((url) => new Promise<string>((resolve) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve('open');
    ws.onclose = (e) => resolve(`closed ${e.code}`);
  }), node.wsUrl);
  t.is(outcome, 'closed 1006', 'the upgrade was refused before the socket opened');
  await page.goto(`${node.gateway.url}/app.html`);
  await page.waitForSelector('#login');
  t.is(new URL(page.url()).pathname, '/');
});
