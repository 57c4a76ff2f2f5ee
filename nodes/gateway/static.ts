import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The UI's files: `ui/` at the repository root. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../ui', import.meta.url));

/** Content types of the files the UI is made of. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** TradingView's lightweight-charts as one ES module (its standalone build), served at /vendor/lightweight-charts.js. */
export function lightweightChartsModule(): string {
  const pkg = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return join(dirname(pkg), 'dist', 'lightweight-charts.standalone.production.mjs');
}

/**
 * The file under `root` a URL path names, or undefined when it would leave `root` (`..`, encoded
 * slashes, NUL) or has a type the UI does not serve.
 */
export function staticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const base = resolve(root);
  const full = resolve(base, `.${normalize(`/${decoded}`)}`);
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  if (CONTENT_TYPES[extname(full)] === undefined) return undefined;
  return full;
}

/** Streams a file with its content type; 404 when it is not a file. `cache`: seconds a browser may keep it. */
export async function sendFile(res: ServerResponse, path: string, cacheSeconds: number, head = false): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': cacheSeconds > 0 ? `private, max-age=${cacheSeconds}` : 'no-store',
  });
  if (head) {
    res.end();
    return;
  }
  await new Promise<void>((done) => {
    const stream = createReadStream(path);
    stream.on('error', () => {
      res.destroy();
      done();
    });
    stream.on('end', done);
    stream.pipe(res);
  });
}
