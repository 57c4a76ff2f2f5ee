/**
 * `bifrost halt | reduce | resume --reason TEXT`: changes the trading state through a node's inspector,
 * which asks the risk actor; the risk actor checks the operator credential in constant time and journals
 * who, when and why before it answers. The credential comes from $BIFROST_OPERATOR_TOKEN only (never a
 * flag, so it stays out of shell history and `ps`). Exit codes: 0 changed, 1 failed (unreachable,
 * no answer), 2 bad usage or no credential, 3 refused.
 */
import { hostname, userInfo } from 'node:os';
import type { TradingState } from '../../actors/risk/trading-state.js';
import { OPERATOR_TOKEN_ENV } from '../../actors/broker/services.js';
import { renderTradingState } from '../inspector/render.js';
import type { InspectorClient } from '../inspector/client.js';
import { palette, wantsColour } from './format.js';
import { CliUsageError, openClient, parseArgs, reportError, TARGET_OPTIONS, TARGET_USAGE, targetOf, timeoutOf } from './inspect.js';

/** The trading state each command sets. */
export const TRADING_STATE_COMMANDS: Readonly<Record<'halt' | 'reduce' | 'resume', TradingState>> = { halt: 'HALTED', reduce: 'REDUCING', resume: 'ACTIVE' };
export type TradingStateCommand = keyof typeof TRADING_STATE_COMMANDS;

export const TRADING_STATE_USAGE = `usage: bifrost halt|reduce|resume --reason TEXT [--operator NAME] [options]

  halt      HALTED: every new order is denied (TRADING_HALTED); cancels still pass
  reduce    REDUCING: only orders that reduce a position pass (REDUCING_ONLY)
  resume    ACTIVE: every check applies as usual

  --reason TEXT      why (required; journaled with the change)
  --operator NAME    who (default $BIFROST_OPERATOR, else user@host; journaled)
  --json             print the answer as JSON

The operator credential is read from $${OPERATOR_TOKEN_ENV}.

${TARGET_USAGE}
exit codes: 0 changed, 1 failed (unreachable, no answer), 2 bad usage or no credential, 3 refused
`;

function defaultOperator(env: Readonly<Record<string, string | undefined>>): string {
  if (env.BIFROST_OPERATOR) return env.BIFROST_OPERATOR;
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `uid-${process.getuid?.() ?? 'unknown'}@${hostname()}`;
  }
}

/** `bifrost halt|reduce|resume ...`; resolves with the exit code. */
export async function tradingStateCommand(command: TradingStateCommand, argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(TRADING_STATE_USAGE);
    return 0;
  }
  let request;
  let target;
  let timeoutMs;
  let json;
  try {
    const args = parseArgs(argv, { valued: [...TARGET_OPTIONS, 'reason', 'operator'], flags: ['json'] });
    if (args.positionals.length > 0) throw new CliUsageError(`unexpected argument ${JSON.stringify(args.positionals[0])}`);
    const reason = args.values.get('reason')?.trim();
    if (reason === undefined || reason.length === 0) throw new CliUsageError('--reason TEXT is required (it is journaled with the change)');
    if (reason.length > 1_024) throw new CliUsageError('--reason is longer than 1024 characters');
    const operator = (args.values.get('operator') ?? defaultOperator(env)).slice(0, 128);
    target = targetOf(args, env);
    timeoutMs = timeoutOf(args);
    json = args.flags.has('json');
    const token = env[OPERATOR_TOKEN_ENV];
    if (token === undefined || token.length === 0) {
      process.stderr.write(`bifrost ${command}: $${OPERATOR_TOKEN_ENV} is not set; operator commands need the operator credential\n`);
      return 2;
    }
    request = { to: TRADING_STATE_COMMANDS[command], reason, operator, operatorToken: token };
  } catch (error) {
    return reportError(command, error);
  }
  let client: InspectorClient;
  try {
    client = await openClient(target, timeoutMs);
  } catch (error) {
    return reportError(command, error);
  }
  try {
    const reply = await client.setTradingState(request);
    const refused = reply.type === 'inspector.refused';
    if (json) process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
    else (refused ? process.stderr : process.stdout).write(`${refused ? `bifrost ${command}: ` : ''}${renderTradingState(reply, palette(wantsColour(refused ? process.stderr : process.stdout, env)))}`);
    return refused ? 3 : 0;
  } catch (error) {
    return reportError(command, error);
  } finally {
    await client.close().catch(() => undefined);
  }
}
