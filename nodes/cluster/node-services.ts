import type { Logger } from 'pino';
import { placedRef } from '../../runtime/system.js';
import type { ActorRef } from '../../runtime/ref.js';
import { SystemInspector } from '../../actors/inspector/inspector-actor.js';
import { INSPECTOR_NAME } from '../../actors/inspector/protocol.js';
import type { InspectorProtocol } from '../../actors/inspector/protocol.js';
import { OPERATOR_TOKEN_ENV } from '../../actors/broker/services.js';
import { loadTraderToken } from '../gateway/auth.js';
import { startGateway } from '../gateway/server.js';
import type { Gateway } from '../gateway/server.js';
import { provideClusterView } from '../inspector/cluster-view.js';
import { startInspectorServer } from '../inspector/http-server.js';
import type { InspectorServer } from '../inspector/http-server.js';
import { DEFAULT_PORTFOLIO_ID } from '../shared/wiring.js';
import type { ClusterHost } from './cluster-host.js';
import { DESK_KIND } from './desk-actor.js';
import { MARKET_KIND } from './market-unit.js';

/** The HTTP side of a node, once started. */
export interface NodeServices {
  /** Where the inspector (`/metrics`, `POST /inspect`) and, on a data node, the web UI answer. */
  readonly urls: { readonly inspector: string; readonly ui?: string };
  /** Things the operator should know. */
  readonly notices: readonly string[];
  close(): Promise<void>;
}

/**
 * The node's HTTP services: on every node the system inspector (`/inspector`, with the cluster view, and
 * the desk's risk, broker and portfolio wherever the desk runs) behind the metrics/inspector server on
 * the node's `metricsPort`; on a node with the `data` role, the trader web UI on its `gatewayPort`, whose
 * sessions reach market data, the desk, the strategies and the optimizer through placed refs. Both bind
 * to the node's `host` from the config. The trader token comes from BIFROST_TRADER_TOKEN (generated for
 * this run when unset, written to stderr once, never to the log), the operator credential from
 * BIFROST_OPERATOR_TOKEN.
 */
export async function startNodeServices(host: ClusterHost, log: Logger, env: Readonly<Record<string, string | undefined>> = process.env): Promise<NodeServices> {
  const { system, node, config } = host;
  const notices: string[] = [];
  const closeView = provideClusterView(host.cluster);
  const desk = (child: string) => ({ placed: { kind: DESK_KIND, name: DESK_KIND }, child });
  const inspectorRef = system.spawn(SystemInspector, INSPECTOR_NAME, {
    roles: [...node.roles],
    targets: { risk: desk('risk'), broker: desk('broker'), portfolios: { [DEFAULT_PORTFOLIO_ID]: desk('portfolio') } },
  }, { kind: 'inspector' }) as ActorRef<InspectorProtocol>;
  const operatorToken = env[OPERATOR_TOKEN_ENV];
  let inspector: InspectorServer | undefined;
  let gateway: Gateway | undefined;
  try {
    inspector = await startInspectorServer({ system, inspectorRef, host: node.host, port: node.metricsPort, ...(operatorToken ? { operatorToken } : {}) });
    if (node.roles.includes('data')) {
      const trader = loadTraderToken(env);
      if (trader.generated) {
        process.stderr.write(`trader token for this run of ${node.name}: ${trader.token} (set BIFROST_TRADER_TOKEN to choose one)\n`);
        notices.push('BIFROST_TRADER_TOKEN is not set: generated a trader token for this run (written to stderr, not to the log)');
      }
      const strategies = Object.fromEntries(config.strategies.map((s) => [s.id, placedRef(`/${s.id}`)]));
      gateway = await startGateway(
        {
          system,
          refs: { marketData: placedRef(`/${MARKET_KIND}`), risk: placedRef('/desk/risk'), broker: placedRef('/desk/broker'), portfolio: placedRef('/desk/portfolio'), optimizer: placedRef('/optimizer'), strategies },
          symbols: config.symbols,
          portfolioId: DEFAULT_PORTFOLIO_ID,
          feed: 'synthetic',
          strategies: config.strategies.map((s) => ({ id: s.id, kind: s.kind, symbols: s.symbols })),
        },
        { host: node.host, port: node.gatewayPort, traderToken: trader.token, roles: [...node.roles], logger: log },
      );
    }
  } catch (error) {
    await inspector?.close().catch(() => undefined);
    closeView();
    throw error;
  }
  const running = inspector;
  return {
    urls: { inspector: running.url, ...(gateway === undefined ? {} : { ui: gateway.url }) },
    notices,
    async close() {
      await gateway?.close();
      await running.close();
      closeView();
    },
  };
}
