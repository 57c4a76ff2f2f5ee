/**
 * `npm start`: the embedded node, every role in one process (SQLite under ./data, the paper venue,
 * built-in strategies on a default universe). Options:
 *   --data DIR        where the SQLite database lives (default ./data)
 *   --csv DIR         replay <SYMBOL>.csv files from DIR instead of the synthetic feed
 *   --symbols A,B,C   the universe (default AAPL,MSFT,NVDA,GOOG,TSLA)
 *   --yahoo           history from yahoo-finance2 (falls back to the synthetic feed when offline)
 * Ctrl-C shuts down cleanly; the next start continues from the journal.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../runtime/logger.js';
import { startEmbeddedHost } from './host.js';
import type { EmbeddedHost, FeedOptions } from './host.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    csv: { type: 'string' },
    symbols: { type: 'string' },
    yahoo: { type: 'boolean', default: false },
  },
  strict: true,
});

const log = createLogger({ name: 'bifrost' });
const feed: FeedOptions = values.csv !== undefined ? { kind: 'csv', dir: values.csv } : values.yahoo ? { kind: 'yahoo' } : { kind: 'synthetic' };

let host: EmbeddedHost;
try {
  host = await startEmbeddedHost({
    logger: log,
    ...(values.data === undefined ? {} : { dataDir: values.data }),
    ...(values.symbols === undefined ? {} : { symbols: values.symbols.split(',').map((s) => s.trim()).filter((s) => s.length > 0) }),
    feed,
  });
} catch (error) {
  log.fatal({ err: error }, 'the embedded node could not start');
  process.exit(1);
}
for (const notice of host.notices) log.warn(notice);
host.system.events.subscribe(['supervisor.failed', 'supervisor.escalatedToRoot'], (e) => log.warn(e, 'supervisor event'));
log.info(
  { node: host.system.node, symbols: host.symbols, feed: host.feed, strategies: host.strategies.map((s) => `${s.id} (${s.kind})`), portfolio: host.portfolioId },
  host.feed === 'synthetic' ? 'Bifrost embedded node started on SYNTHETIC market data. Press Ctrl-C to stop.' : 'Bifrost embedded node started. Press Ctrl-C to stop.',
);

// Clock timers do not hold the process open (a library must not keep its host alive); the node does.
const keepAlive = setInterval(() => undefined, 1 << 30);
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  clearInterval(keepAlive);
  await host.stop();
  log.info('stopped cleanly');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
