// `npm run bench -- <name> [--json] [args]`: runs bench/<name>.ts with tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts') && !f.startsWith('_')).map((f) => f.slice(0, -3));
const [name, ...args] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [--json] [args]\navailable: ${available.join(', ')}`);
  process.exit(name === undefined ? 0 : 2);
}
const r = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=64', '--import=tsx', join(root, 'bench', `${name}.ts`), ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
