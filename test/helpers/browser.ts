import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

/** Where Debian's Chromium is looked for, after `BIFROST_CHROMIUM`. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Flags for a quiet, reproducible headless Chromium in a container. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync',
];

function found(): string | undefined {
  const env = process.env['BIFROST_CHROMIUM'];
  if (env !== undefined && env !== '') return existsSync(env) ? env : undefined;
  return CHROMIUM_PATHS.find((p) => existsSync(p));
}

/**
 * The Chromium binary for the browser tests. When Debian's `chromium` package is missing it runs
 * `apt-get install -y chromium` (a minute or so); when that cannot work it throws with what to do, so
 * the browser tests fail loudly instead of being skipped.
 */
export function findChromium(): string {
  const existing = found();
  if (existing !== undefined) return existing;
  if (process.env['BIFROST_CHROMIUM'] !== undefined && process.env['BIFROST_CHROMIUM'] !== '') {
    throw new Error(`BIFROST_CHROMIUM=${process.env['BIFROST_CHROMIUM']} does not exist; point it at a Chromium binary or unset it to use Debian's /usr/bin/chromium`);
  }
  console.log('[browser tests] Chromium is missing: running `apt-get install -y chromium` (this takes a minute)…');
  const run = spawnSync('apt-get', ['install', '-y', 'chromium'], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const after = found();
  if (after !== undefined) return after;
  const why = run.error !== undefined ? run.error.message : `apt-get exited with ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
  throw new Error(
    `The browser tests need Chromium and it could not be installed (${why}). Install it yourself (Debian: sudo apt-get install -y chromium) ` +
    'or set BIFROST_CHROMIUM to a Chromium binary, then run the tests again.',
  );
}

/** A headless Chromium with a fresh user-data directory; `close()` removes it. */
export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium (installed on demand, see findChromium) with a fresh profile. */
export async function launchBrowser(options: { viewport?: { width: number; height: number } } = {}): Promise<TestBrowser> {
  const executablePath = findChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'bifrost-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
