import { randomBytes } from 'node:crypto';
import { InvalidRiskKeyError } from './errors.js';

/** The environment variable holding the approval HMAC key. */
export const RISK_KEY_ENV = 'BIFROST_RISK_KEY';

/** Minimum key length in bytes (the HMAC-SHA256 block of security). */
export const MIN_RISK_KEY_BYTES = 32;

/** The loaded key and where it came from. `notice` says so when it was generated; it never contains the key. */
export interface LoadedRiskKey {
  readonly key: Buffer;
  readonly source: 'env' | 'generated';
  readonly notice?: string;
}

/**
 * Loads the approval key from `BIFROST_RISK_KEY` (its UTF-8 bytes; at least 32, e.g. `openssl rand -hex 32`).
 * When absent or empty, generates a random 32-byte key for this run and says so in `notice`: tokens then
 * verify only within this process, which suits the embedded mode but not a cluster (risk and broker on
 * different nodes must share the key). Throws `InvalidRiskKeyError` when the key is too short.
 * @example
 * const { key, notice } = loadRiskKey(process.env);
 * if (notice) logger.warn(notice);
 */
export function loadRiskKey(env: Readonly<Record<string, string | undefined>>): LoadedRiskKey {
  const raw = env[RISK_KEY_ENV];
  if (raw === undefined || raw.length === 0) {
    return {
      key: randomBytes(MIN_RISK_KEY_BYTES),
      source: 'generated',
      notice: `${RISK_KEY_ENV} is not set: generated a random approval key for this run; approvals will not verify in other processes`,
    };
  }
  const key = Buffer.from(raw, 'utf8');
  if (key.length < MIN_RISK_KEY_BYTES) {
    throw new InvalidRiskKeyError(RISK_KEY_ENV, `is ${key.length} bytes long; at least ${MIN_RISK_KEY_BYTES} are required`);
  }
  return { key, source: 'env' };
}
