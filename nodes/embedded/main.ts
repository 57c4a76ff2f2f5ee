/**
 * `npm start`: the embedded node, every role in one process (SQLite under ./data, the paper venue,
 * built-in strategies on a default universe). Options:
 *   --data DIR        where the SQLite database lives (default ./data)
 *   --csv DIR         replay <SYMBOL>.csv files from DIR instead of the synthetic feed
 *   --symbols A,B,C   the universe (default AAPL,MSFT,NVDA,GOOG,TSLA)
 *   --yahoo           history from yahoo-finance2 (falls back to the synthetic feed when offline)
 *   --bar-ms N        one synthetic bar per symbol every N ms (default 1000)
 *   --port N          web UI port (default 8080; BIFROST_TRADER_TOKEN or a printed per-run token to log in)
 *   --metrics-port N  Prometheus /metrics and the inspector's HTTP endpoint (default 9464)
 * Ctrl-C shuts down cleanly; the next start continues from the journal.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../runtime/logger.js';
import { startEmbeddedHost } from './host.js';
import { SystemInspector } from '../../actors/inspector/inspector-actor.js';
import { INSPECTOR_NAME } from '../../actors/inspector/protocol.js';
import type { InspectorProtocol } from '../../actors/inspector/protocol.js';
import type { ActorRef } from '../../runtime/ref.js';
import { loadTraderToken } from '../gateway/auth.js';
import { startGateway } from '../gateway/server.js';
import type { Gateway } from '../gateway/server.js';
import { startInspectorServer } from '../inspector/http-server.js';
import type { InspectorServer } from '../inspector/http-server.js';
import type { EmbeddedHost, FeedOptions } from './host.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    csv: { type: 'string' },
    symbols: { type: 'string' },
    yahoo: { type: 'boolean', default: false },
    port: { type: 'string' },
    'metrics-port': { type: 'string' },
    'bar-ms': { type: 'string' },
  },
  strict: true,
});

const log = createLogger({ name: 'bifrost' });

function portOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    log.fatal(`--${name} must be a port number (0-65535), got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return port;
}
const gatewayPort = portOption('port', values.port, 8080);
const barMs = values['bar-ms'] === undefined ? undefined : Number(values['bar-ms']);
if (barMs !== undefined && !(Number.isInteger(barMs) && barMs >= 1)) {
  log.fatal(`--bar-ms must be a whole number of milliseconds >= 1, got ${JSON.stringify(values['bar-ms'])}`);
  process.exit(2);
}
const feed: FeedOptions =
  values.csv !== undefined ? { kind: 'csv', dir: values.csv, ...(barMs === undefined ? {} : { barsPerSecond: 1_000 / barMs }) }
  : values.yahoo ? { kind: 'yahoo' }
  : { kind: 'synthetic', ...(barMs === undefined ? {} : { everyMs: barMs }) };
const metricsPort = portOption('metrics-port', values['metrics-port'], 9464);

let host: EmbeddedHost;
let gateway: Gateway;
let inspector: InspectorServer;
let traderToken: { token: string; generated: boolean };
try {
  traderToken = loadTraderToken(process.env);
  host = await startEmbeddedHost({
    logger: log,
    ...(values.data === undefined ? {} : { dataDir: values.data }),
    ...(values.symbols === undefined ? {} : { symbols: values.symbols.split(',').map((s) => s.trim()).filter((s) => s.length > 0) }),
    feed,
  });
  const inspectorRef = host.system.spawn(SystemInspector, INSPECTOR_NAME, {
    roles: ['embedded'],
    targets: { risk: host.refs.risk, broker: host.refs.broker, portfolios: { [host.portfolioId]: host.refs.portfolio } },
  }, { kind: 'inspector' }) as ActorRef<InspectorProtocol>;
  const operatorToken = process.env.BIFROST_OPERATOR_TOKEN;
  inspector = await startInspectorServer({ system: host.system, inspectorRef, port: metricsPort, ...(operatorToken ? { operatorToken } : {}) });
  gateway = await startGateway(host, { port: gatewayPort, traderToken: traderToken.token, logger: log });
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
// The trader needs the token to log in; it goes to the terminal, never into the log stream.
process.stdout.write(
  `\n  Bifrost web UI:   ${gateway.url}\n` +
    `  trader token:     ${traderToken.generated ? `${traderToken.token}   (generated for this run; set BIFROST_TRADER_TOKEN to choose one)` : '(from BIFROST_TRADER_TOKEN)'}\n` +
    `  inspector:        npx bifrost inspect nodes --url ${inspector.url}\n` +
    `  metrics:          ${inspector.url}/metrics\n\n`,
);

// Clock timers do not hold the process open (a library must not keep its host alive); the node does.
const keepAlive = setInterval(() => undefined, 1 << 30);
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  clearInterval(keepAlive);
  await gateway.close();
  await inspector.close();
  await host.stop();
  log.info('stopped cleanly');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
