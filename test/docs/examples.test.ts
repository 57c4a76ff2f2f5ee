import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? markdownFiles(p) : name.endsWith('.md') ? [p] : [];
  });
}

/** Every ```ts block in the README and docs/, as its own module. Fragments that cannot stand alone are fenced ```text. */
function examples(): Array<{ file: string; line: number; code: string }> {
  const out: Array<{ file: string; line: number; code: string }> = [];
  for (const file of [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))]) {
    const lines = readFileSync(file, 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.trim() !== '```ts') continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end]!.trim() !== '```') end++;
      out.push({ file: relative(root, file), line: start + 1, code: lines.slice(start, end).join('\n') });
      i = end;
    }
  }
  return out;
}

test('every TypeScript example in the README and docs/ type-checks against the code', (t) => {
  const found = examples();
  t.true(found.length >= 4, `found ${found.length} examples`);
  const dir = join(root, '.tmp', 'doc-examples');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = new Map<string, string>();
  found.forEach((ex, i) => {
    const name = `example-${String(i).padStart(3, '0')}.ts`;
    names.set(name, `${ex.file}:${ex.line}`);
    // `export {}` makes each block a module, so top-level await and local names are allowed.
    writeFileSync(join(dir, name), `${ex.code}\nexport {};\n`);
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['./*.ts'] }));
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  const report = r.stdout.replace(/example-\d{3}\.ts/g, (m) => `${m} (${names.get(m)})`);
  t.is(r.status, 0, report);
});

test('the strategy-author guide shows examples/strategies/gap-fade.ts exactly as it is', (t) => {
  const guide = readFileSync(join(root, 'docs', 'strategy-authors.md'), 'utf8');
  const block = guide.split('```ts\n// strategies/gap-fade.ts\n')[1]?.split('```')[0];
  t.is(block, readFileSync(join(root, 'examples', 'strategies', 'gap-fade.ts'), 'utf8'));
});
