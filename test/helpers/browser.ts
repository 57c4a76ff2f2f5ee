import { spawn } from 'node:child_process';
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

/** Longest a Chromium install may take before the tests give up on it. */
export const CHROMIUM_INSTALL_TIMEOUT_MS = 10 * 60_000;

/** Runs a command without blocking the event loop (so the test runner keeps hearing from this worker). */
function run(command: string, args: readonly string[]): Promise<{ code: number | null; tail: string; error?: string }> {
  return new Promise((resolve) => {
    let tail = '';
    const child = spawn(command, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => void (tail = (tail + chunk.toString()).slice(-2_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGTERM'), CHROMIUM_INSTALL_TIMEOUT_MS);
    child.on('error', (error) => { clearTimeout(timer); resolve({ code: null, tail, error: error.message }); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, tail }); });
  });
}

/**
 * The Chromium binary for the browser tests. When Debian's `chromium` package is missing it runs
 * `apt-get install -y chromium` (after `apt-get update` if the package lists are stale; a minute or
 * two); when that cannot work it throws with what to do, so the browser tests fail loudly instead of
 * being skipped. Callers in a test hook should extend its timeout first (`t.timeout`).
 */
export async function findChromium(): Promise<string> {
  const existing = found();
  if (existing !== undefined) return existing;
  const configured = process.env['BIFROST_CHROMIUM'];
  if (configured !== undefined && configured !== '') {
    throw new Error(`BIFROST_CHROMIUM=${configured} does not exist; point it at a Chromium binary or unset it to use Debian's /usr/bin/chromium`);
  }
  console.log('[browser tests] Chromium is missing: running `apt-get install -y chromium` (this takes a minute or two)…');
  let outcome = await run('apt-get', ['install', '-y', 'chromium']);
  if (found() === undefined && outcome.error === undefined) {
    await run('apt-get', ['update']);
    outcome = await run('apt-get', ['install', '-y', 'chromium']);
  }
  const after = found();
  if (after !== undefined) return after;
  const why = outcome.error ?? `apt-get exited with ${outcome.code}: ${outcome.tail.trim().split('\n').slice(-3).join(' | ')}`;
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
  const executablePath = await findChromium();
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
