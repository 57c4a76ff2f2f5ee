import { pino } from 'pino';
import type { Logger, LevelWithSilent } from 'pino';

/** Keys whose values never reach a log line, wherever they appear (two levels deep). */
export const REDACTED_KEYS = ['password', 'pass', 'token', 'secret', 'key', 'apiKey', 'authorization', 'credentials', 'creds', 'nkey', 'seed', 'account', 'accountId'];

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/**
 * The root logger of a process. Level from `BIFROST_LOG_LEVEL` (default `info`; tests run `silent`).
 * Secrets are redacted by key name; callers still never log a secret on purpose.
 */
export function createLogger(options: { level?: LevelWithSilent; name?: string } = {}): Logger {
  const level = options.level ?? (process.env.BIFROST_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
  return pino({ name: options.name ?? 'bifrost', level, redact: { paths: redactPaths, censor: '[redacted]' } });
}
