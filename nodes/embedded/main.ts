/**
 * `npm start`: the embedded node, every role in one process.
 *
 * Today this hosts the actor kernel and its supervision; the trading actors, persistence, market data and
 * the web UI join as they land (see the README's status table). It says what it runs, and shuts down
 * cleanly on Ctrl-C.
 */
import { ActorSystem, createLogger } from '../../runtime/index.js';

const log = createLogger({ name: 'bifrost' });
const system = ActorSystem.create({ node: 'embedded', logger: log });
system.events.subscribe(['supervisor.failed', 'supervisor.escalatedToRoot'], (e) => log.warn(e, 'supervisor event'));

log.info(
  { node: system.node, hosting: ['actor kernel', 'supervision'], notYet: ['persistence', 'order path', 'market data', 'web UI'] },
  'Bifrost embedded node started; only the actor runtime is available so far. Press Ctrl-C to stop.',
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await system.shutdown();
  log.info('stopped cleanly');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// Keep the process alive until a signal arrives.
setInterval(() => {}, 1 << 30);
