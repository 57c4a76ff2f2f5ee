/**
 * The `bifrost` command line. Commands arrive with the issues that build them (inspect, optimize, halt…).
 */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const USAGE = `usage: bifrost <command>

commands:
  start        run the embedded node (same as npm start)
  optimize     sweep a strategy's parameters over a CSV of bars (gpu.js kernels); optimize --help
  inspect      nodes, supervision trees, actors, placement, dead letters, orders, risk; inspect --help
  halt         deny every new order (operator credential in $BIFROST_OPERATOR_TOKEN); halt --help
  reduce       allow only exposure-reducing orders
  resume       back to ACTIVE trading
  version      print the version
  help         this text
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return 0;
    case 'version':
    case '--version':
      process.stdout.write(`${pkg.version}\n`);
      return 0;
    case 'start':
      await import('../embedded/main.js');
      return -1;
    case 'optimize': {
      const { optimizeCommand, OPTIMIZE_USAGE } = await import('./optimize.js');
      if (argv.includes('--help')) {
        process.stdout.write(OPTIMIZE_USAGE);
        return 0;
      }
      return optimizeCommand(argv.slice(1));
    }
    case 'inspect': {
      const { inspectCommand } = await import('./inspect.js');
      return inspectCommand(argv.slice(1));
    }
    case 'halt':
    case 'reduce':
    case 'resume': {
      const { tradingStateCommand } = await import('./trading-state.js');
      return tradingStateCommand(command, argv.slice(1));
    }
    default:
      process.stderr.write(`bifrost: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
