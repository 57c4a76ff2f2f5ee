// Installs dependencies when they are missing or stale, so `npm start` and `npm test` work on a fresh clone.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Bifrost needs Node.js >= 20.19; this is ${process.versions.node}.`);
  process.exit(1);
}

const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs + 1000);
const nativeMissing = !existsSync(join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
if (stale || nativeMissing) {
  // `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages (msgpackr-extract's
  // prebuilds) out of the lockfile and `npm ci` then refuses it; `npm install` keeps the locked versions.
  console.error('[bifrost] installing dependencies (npm install) ...');
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('[bifrost] npm install failed; see the output above.');
    process.exit(r.status ?? 1);
  }
}
// Sanity check that the native SQLite binding loads on this Node.
const probe = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root });
if (probe.status !== 0) {
  console.error('[bifrost] better-sqlite3 failed to load; rebuilding it from source ...');
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
