/**
 * `npm run screenshots`: regenerates the trader UI's screenshots in docs/images/ for docs/ui.md. It starts an
 * embedded node on a fast synthetic feed with the built-in strategies and a throwaway data directory, lets
 * a few hundred bars go by, signs in with headless Chromium (Debian's, see test/helpers/browser.ts), trades
 * a little, runs a sweep and a backtest, and captures each page at 1280×800.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { Page } from 'playwright-core';
import type { SymbolSnapshot } from '../actors/market/protocol.js';
import { startEmbeddedHost } from '../nodes/embedded/host.js';
import { startGateway } from '../nodes/gateway/server.js';
import { launchBrowser } from '../test/helpers/browser.js';

const OUT = fileURLToPath(new URL('../docs/images/', import.meta.url));
const TOKEN = 'screenshot-token-0123456789';
const WARM_BARS = 260;

const dataDir = mkdtempSync(join(tmpdir(), 'bifrost-shots-'));
mkdirSync(OUT, { recursive: true });
const host = await startEmbeddedHost({
  dataDir, logger: pino({ level: 'silent' }), feed: { kind: 'synthetic', seed: 7, everyMs: 15 },
  env: { BIFROST_RISK_KEY: 'k'.repeat(64), BIFROST_OPERATOR_TOKEN: 'screenshot-operator-token' },
});
const gateway = await startGateway(host, { port: 0, traderToken: TOKEN, logger: pino({ level: 'silent' }) });
const browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
const shots: string[] = [];

async function snapshot(symbol: string, n: number): Promise<SymbolSnapshot> {
  return host.system.ask<SymbolSnapshot>({ path: `/market/${symbol}` }, { type: 'symbol.getSnapshot', bars: n }, 5_000);
}

/** After the warm-up, one bar a second: orders placed for the pictures stay where they were put. */
async function slowDown(): Promise<void> {
  host.system.tell(host.refs.marketData, { type: 'marketData.stop' });
  await host.system.settled();
  const initialPrices: Record<string, number> = {};
  let start = 0;
  for (const s of host.symbols) {
    const last = (await snapshot(s, 1)).bars[0]!;
    initialPrices[s] = last.close;
    start = Math.max(start, last.time + 86_400_000);
  }
  await host.system.ask(host.refs.marketData, { type: 'marketData.startSynthetic', seed: 11, start, everyMs: 1_000, initialPrices }, 5_000);
}

async function shot(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<void> {
  await page.waitForTimeout(400); // let the charts draw their last frame
  const path = join(OUT, `ui-${name}.png`);
  await page.screenshot({ path, ...(clip === undefined ? {} : { clip }) });
  shots.push(`${path} (${Math.round(statSync(path).size / 1024)} KB)`);
}

async function open(page: Page, route: string): Promise<void> {
  await page.goto(`${gateway.url}/app.html#/${route}`);
  await page.waitForSelector(`main#page[data-page="${route.split('/')[0]}"] .page-title`);
}

try {
  while ((await snapshot('AAPL', 500)).bars.length < WARM_BARS) await new Promise((r) => setTimeout(r, 200));
  await slowDown();
  const page = await browser.context.newPage();
  await page.goto(gateway.url);
  await shot(page, 'login', { x: 320, y: 180, width: 640, height: 440 });
  await page.fill('#token', TOKEN);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=equity] .v');

  await open(page, 'ticket/AAPL');
  await page.fill('#ticket-qty', '40');
  await page.click('#ticket-submit');
  await page.waitForSelector('[data-testid=ticket-result] [data-status=filled]');
  const last = Number(((await page.textContent('[data-testid=ticket-last]')) ?? '').replace(/,/g, ''));
  await page.selectOption('#ticket-type', 'limit');
  await page.fill('#ticket-qty', '25');
  await page.fill('#ticket-limit', (Math.floor(last * 93) / 100).toFixed(2));
  await page.click('#ticket-submit');
  await page.waitForSelector('[data-testid=ticket-result] [data-status=accepted]');
  await page.selectOption('#ticket-type', 'market');
  await page.fill('#ticket-qty', '2500');
  await page.click('#ticket-submit');
  await page.waitForSelector('[data-testid=denial-code]');
  await shot(page, 'ticket');

  await open(page, 'dashboard');
  await page.waitForSelector('[data-testid=positions] tr[data-symbol]');
  await page.waitForTimeout(1_500);
  await shot(page, 'dashboard');

  await open(page, 'symbol/AAPL');
  await page.waitForSelector('[data-testid=chart]:not([data-bars="0"])');
  await shot(page, 'symbol');

  await open(page, 'blotter');
  await page.waitForSelector('[data-testid=open-orders] tr[data-status=accepted]');
  await shot(page, 'blotter');

  await open(page, 'risk');
  await page.waitForSelector('[data-testid=var] dl');
  await shot(page, 'risk');

  await open(page, 'optimizer');
  await page.fill('#opt-grid', 'fast=4..24:2,slow=20..80:6');
  await page.click('#opt-run');
  await page.waitForSelector('[data-testid=sweep-progress][data-state=done]', { timeout: 120_000 });
  await shot(page, 'optimizer');

  await open(page, 'backtest');
  await page.selectOption('#bt-strategy', 'sma-cross');
  await page.fill('#bt-p-fast', '8');
  await page.fill('#bt-p-slow', '26');
  await page.click('#bt-run');
  await page.waitForSelector('[data-testid=backtest-status][data-state=done]', { timeout: 120_000 });
  await shot(page, 'backtest');
  console.log(`wrote ${shots.length} screenshots:\n  ${shots.join('\n  ')}`);
} finally {
  await browser.close();
  await gateway.close();
  await host.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
