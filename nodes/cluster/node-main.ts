/**
 * One node of a Bifrost cluster:
 *   node --import=tsx nodes/cluster/node-main.ts --node trading-1 [--config FILE.json | --layout local|reference]
 * Options: --bar-every-ms N (the synthetic feed's pace, default 1000), --seed N. Secrets come from the
 * environment (BIFROST_PG_URL, BIFROST_RISK_KEY, BIFROST_OPERATOR_TOKEN, BIFROST_NATS_*, BIFROST_IB_*);
 * docs/deployment.md lists them. SIGTERM or Ctrl-C stops the node cleanly: its placed actors move to the
 * other nodes at once.
 */
import { runClusterNode } from './run-node.js';

await runClusterNode(process.argv.slice(2));
