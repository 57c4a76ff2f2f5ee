import { UNAVAILABLE_REASONS } from './errors.js';
import type { UnavailableReason } from './errors.js';

/** Node/undici error codes meaning the provider cannot be reached at all: no point retrying now. */
const OFFLINE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN']);
/** Codes of failures that often pass: retried with backoff. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** How a failed Yahoo request is handled: `'transient'` is retried, the others end the attempt. */
export type YahooFailure = 'transient' | Exclude<UnavailableReason, 'retries-exhausted'>;

/**
 * Classifies an error thrown by yahoo-finance2's `chart()`:
 * - `fetch failed` (undici's TypeError) with a DNS / refused / unreachable cause, or with no cause: offline;
 * - the same with a reset or timeout cause, an AbortError/TimeoutError, HTTP 429 or 5xx: transient;
 * - HTTP 404 or Yahoo's "No data found, symbol may be delisted": not found;
 * - anything else (schema validation failures, other 4xx): a bad response.
 */
export function classifyYahooError(error: unknown): YahooFailure {
  if (!(error instanceof Error)) return UNAVAILABLE_REASONS.badResponse;
  const code = errorCode(error) ?? errorCode(error.cause);
  if (code !== undefined && OFFLINE_CODES.has(code)) return UNAVAILABLE_REASONS.offline;
  if (code !== undefined && TRANSIENT_CODES.has(code)) return 'transient';
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'transient';
  if (error.name === 'TypeError' && error.message === 'fetch failed') return UNAVAILABLE_REASONS.offline;
  if (error.name === 'HTTPError') {
    const status = (error as { code?: unknown }).code;
    if (status === 429 || (typeof status === 'number' && status >= 500)) return 'transient';
    if (status === 404) return UNAVAILABLE_REASONS.notFound;
    return UNAVAILABLE_REASONS.badResponse;
  }
  if (/no data found|symbol may be delisted|not found/i.test(error.message)) return UNAVAILABLE_REASONS.notFound;
  return UNAVAILABLE_REASONS.badResponse;
}

function errorCode(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
