import { hash, timingSafeEqual } from 'node:crypto';
import type { OrderRequest } from '../domain/order.js';
import { frozenRecord } from '../domain/freeze.js';
import { InvalidApprovalRequestError } from './errors.js';
import { flatCanonical } from './flat-canonical.js';
import { hmacSha256Hex } from './hmac.js';
import type { UsedTokenSet } from './used-tokens.js';

/** Version of the approval token format; see docs/risk.md. */
export const APPROVAL_TOKEN_VERSION = 1;

/**
 * The risk engine's signature on one order. `signature` is hex HMAC-SHA256 under the risk key over the
 * canonical encoding of `{ domain: 'bifrost.approval', v, orderDigest, riskId, seq, expiresAt }`, where
 * `orderDigest` is the hex SHA-256 of the order's canonical bytes (see `canonicalEncode`).
 */
export interface ApprovalToken {
  readonly v: typeof APPROVAL_TOKEN_VERSION;
  /** Identity of the risk actor that approved (e.g. its path). */
  readonly riskId: string;
  /** Per-`riskId` sequence number; `${riskId}:${seq}` identifies the token for replay protection. */
  readonly seq: number;
  /** Epoch ms after which the token is no longer accepted. */
  readonly expiresAt: number;
  readonly orderDigest: string;
  readonly signature: string;
}

/** An order together with the token that approves it; the only thing a broker acts on. */
export interface ApprovedOrder {
  readonly order: OrderRequest;
  readonly approval: ApprovalToken;
}

/** Why a broker refuses an approved order. Each is a security event. */
export const APPROVAL_REJECT_REASONS = {
  /** The message is not an approved order (missing or mistyped fields, an order that cannot be encoded). */
  MALFORMED: 'MALFORMED',
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  /** The order differs from the one that was approved. */
  TAMPERED: 'TAMPERED',
  /** The token was not signed with this key (wrong key, forged or altered token fields). */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** The signer is not the risk identity the broker expects. */
  UNKNOWN_SIGNER: 'UNKNOWN_SIGNER',
  EXPIRED: 'EXPIRED',
  /** This token was already used. */
  REPLAYED: 'REPLAYED',
} as const;
export type ApprovalRejectReason = (typeof APPROVAL_REJECT_REASONS)[keyof typeof APPROVAL_REJECT_REASONS];

/** The outcome of `verifyApproval`. */
export type ApprovalVerification =
  | { readonly ok: true; readonly tokenId: string }
  | { readonly ok: false; readonly reason: ApprovalRejectReason; readonly message: string };

/** What `signApproval` needs besides the order. */
export interface SignApprovalParams {
  readonly key: Buffer;
  readonly riskId: string;
  readonly seq: number;
  readonly expiresAt: number;
}

/** What `verifyApproval` needs: the key, the time, the set of used tokens and, optionally, the expected signer. */
export interface VerifyApprovalParams {
  readonly key: Buffer;
  readonly now: number;
  readonly seen: UsedTokenSet;
  readonly expectedRiskId?: string;
}

/** `OrderRequest`'s fields in canonical (sorted) order. */
const ORDER_FIELDS = ['clientOrderId', 'createdAt', 'limitPrice', 'portfolioId', 'quantity', 'side', 'stopPrice', 'strategyId', 'symbol', 'tif', 'type'] as const;
/** `ORDER_FIELDS[i]`'s key as it opens the canonical text, and as it follows another field. */
const FIRST_FIELD = ORDER_FIELDS.map((field) => `{"${field}":`);
const NEXT_FIELD = ORDER_FIELDS.map((field) => `,"${field}":`);

/** `JSON.stringify(text)`, skipped when nothing in `text` needs escaping (every id and symbol in practice). */
function quoted(text: string): string {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    // Control characters, the quote, the backslash and (lone) surrogates are escaped by JSON.stringify.
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * The canonical text of an order (`canonicalEncode`) when it is a plain object of `OrderRequest`'s own
 * fields holding strings and finite numbers, as every real order is: their sorted order is known, so
 * the fields are read in that order and no key is sorted, looked up or encoded. An object with any other
 * key (its own key count differs from the fields read), or another value type, goes through
 * `flatCanonical`, which also raises the encoder's errors.
 */
export function canonicalOrderText(order: OrderRequest): string {
  if (Object.getPrototypeOf(order) !== Object.prototype) return flatCanonical(order);
  const record = order as unknown as Record<string, unknown>;
  let out = '';
  let read = 0;
  for (let i = 0; i < ORDER_FIELDS.length; i += 1) {
    const value = record[ORDER_FIELDS[i]!];
    if (value === undefined) continue;
    let encoded: string;
    if (typeof value === 'string') encoded = quoted(value);
    else if (typeof value === 'number' && Number.isFinite(value)) encoded = String(value);
    else return flatCanonical(order);
    out += (read === 0 ? FIRST_FIELD[i]! : NEXT_FIELD[i]!) + encoded;
    read += 1;
  }
  // A field present as undefined is left out, as canonicalEncode leaves it out; any other key is not ours.
  if (Object.keys(record).length !== read) return flatCanonical(order);
  return read === 0 ? '{}' : `${out}}`;
}

/** Hex SHA-256 of the order's canonical bytes (`canonicalEncode` as UTF-8). */
export function orderDigest(order: OrderRequest): string {
  // One-shot hashing (Node >= 20.12, below this package's engines) skips a Hash object per call.
  return hash('sha256', canonicalOrderText(order), 'hex');
}

/** The replay-protection identity of a token. */
export function approvalTokenId(token: Pick<ApprovalToken, 'riskId' | 'seq'>): string {
  return `${token.riskId}:${token.seq}`;
}

type SignedFields = Pick<ApprovalToken, 'v' | 'orderDigest' | 'riskId' | 'seq' | 'expiresAt'>;

/**
 * `canonicalEncode({ domain: 'bifrost.approval', ...fields })`, written out in its sorted key order. The
 * numbers are integers by the time a token is signed or its signature checked (`signApproval` and
 * `verifyApproval` reject anything else first), so `String` is their canonical form.
 */
export function signedText(fields: SignedFields): string {
  return `{"domain":"bifrost.approval","expiresAt":${String(fields.expiresAt)},"orderDigest":${JSON.stringify(fields.orderDigest)},` +
    `"riskId":${JSON.stringify(fields.riskId)},"seq":${String(fields.seq)},"v":${String(fields.v)}}`;
}

function mac(key: Buffer, fields: SignedFields): string {
  return hmacSha256Hex(key, signedText(fields));
}

/**
 * Approves `order`: returns it, deep-frozen, with a token bound to its canonical bytes, the risk identity,
 * the sequence number and the expiry. Throws `InvalidApprovalRequestError` on an empty key or identity,
 * or a non-integer `seq`/`expiresAt`.
 * @example const approved = signApproval(order, { key, riskId: 'risk', seq: 42, expiresAt: now + 5_000 });
 */
export function signApproval(order: OrderRequest, params: SignApprovalParams): ApprovedOrder {
  if (params.key.length === 0) throw new InvalidApprovalRequestError('key', 'is empty');
  if (typeof params.riskId !== 'string' || params.riskId.length === 0) throw new InvalidApprovalRequestError('riskId', 'is empty');
  if (!Number.isSafeInteger(params.seq) || params.seq < 0) throw new InvalidApprovalRequestError('seq', `${params.seq} is not a non-negative integer`);
  if (!Number.isSafeInteger(params.expiresAt)) throw new InvalidApprovalRequestError('expiresAt', `${params.expiresAt} is not an integer epoch ms`);
  const frozen = frozenRecord(order);
  const { riskId, seq, expiresAt } = params;
  const digest = orderDigest(frozen);
  const signature = mac(params.key, { v: APPROVAL_TOKEN_VERSION, orderDigest: digest, riskId, seq, expiresAt });
  // The order is frozen already and the token holds only primitives: freezing the two shells suffices.
  // (A literal, not a spread of the signed fields: the spread cost a microsecond per approval.)
  const approval: ApprovalToken = { v: APPROVAL_TOKEN_VERSION, orderDigest: digest, riskId, seq, expiresAt, signature };
  // Not enumerable: util.inspect and spreads leave it out. It names the key by an opaque identity, never
  // the key itself, so no inspection of a token can print key material.
  Object.defineProperty(approval, SIGNED, { value: { approval, order: frozen, keyId: keyIdOf(params.key) } });
  Object.freeze(approval);
  return Object.freeze({ order: frozen, approval });
}

// Verification of what `signApproval` produced in this process is memoised by object identity: the order
// and the token are frozen, so a token that carries its own memo (a non-enumerable property under a symbol
// of this module) holds a signature under the key the memo names, and the order it was signed with has the
// token's digest. A copied, decoded or altered token has no memo, or one naming another token (codecs,
// JSON, spreads and structuredClone leave it out; Object.assign-style copies of symbols name the original),
// so it is verified in full. Expiry, signer and replay are checked every time. (The memo was a WeakMap keyed
// by the token: its insertion and the collector's work on it cost 0.6-0.7 of an approval's 4.5 µs.)
const SIGNED = Symbol('bifrost.signedApproval');
interface Memoised {
  readonly [SIGNED]?: { readonly approval: ApprovalToken; readonly order: object; readonly keyId: object };
}

/** An opaque identity per key Buffer: what a memo holds instead of the key. */
const keyIds = new WeakMap<Buffer, object>();
function keyIdOf(key: Buffer): object {
  let id = keyIds.get(key);
  if (id === undefined) keyIds.set(key, (id = Object.freeze({})));
  return id;
}

function reject(reason: ApprovalRejectReason, message: string): ApprovalVerification {
  return { ok: false, reason, message: `${reason}: ${message}` };
}

function isWellFormed(value: unknown): value is ApprovedOrder {
  if (typeof value !== 'object' || value === null) return false;
  const { order, approval } = value as { order?: unknown; approval?: Record<string, unknown> };
  if (typeof order !== 'object' || order === null || typeof approval !== 'object' || approval === null) return false;
  return typeof approval.riskId === 'string' && approval.riskId.length > 0 && Number.isSafeInteger(approval.seq) &&
    Number.isSafeInteger(approval.expiresAt) && typeof approval.orderDigest === 'string' && typeof approval.signature === 'string' &&
    /^[0-9a-f]{64}$/.test(approval.signature) && typeof approval.v === 'number';
}

/**
 * Verifies an approved order before a broker acts on it, in this order: well-formed, known version,
 * order unchanged since approval (TAMPERED), signature under `key` (BAD_SIGNATURE, compared with
 * `timingSafeEqual`), expected signer, not expired at `now` (a token is valid while `now < expiresAt`),
 * not used before (REPLAYED). Only a token that passes everything is added to `seen`, so forged or expired
 * tokens cannot fill the set.
 */
export function verifyApproval(approved: ApprovedOrder, params: VerifyApprovalParams): ApprovalVerification {
  if (!isWellFormed(approved)) return reject('MALFORMED', 'not an approved order');
  const { order, approval } = approved;
  if (approval.v !== APPROVAL_TOKEN_VERSION) return reject('UNSUPPORTED_VERSION', `v=${String(approval.v)}`);
  const memo = (approval as Memoised)[SIGNED];
  const signed = memo?.approval === approval ? memo : undefined;
  if (signed?.order !== order) {
    let digest: string;
    try {
      digest = orderDigest(order);
    } catch {
      return reject('MALFORMED', 'order cannot be canonically encoded');
    }
    if (digest !== approval.orderDigest) return reject('TAMPERED', `order ${String(order.clientOrderId)} differs from the approved order`);
  }
  if (signed === undefined || signed.keyId !== keyIds.get(params.key)) {
    const expected = Buffer.from(mac(params.key, { v: approval.v, orderDigest: approval.orderDigest, riskId: approval.riskId, seq: approval.seq, expiresAt: approval.expiresAt }), 'hex');
    const actual = Buffer.from(approval.signature, 'hex');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return reject('BAD_SIGNATURE', `token ${approvalTokenId(approval)} does not verify`);
    }
  }
  if (params.expectedRiskId !== undefined && approval.riskId !== params.expectedRiskId) {
    return reject('UNKNOWN_SIGNER', `riskId=${approval.riskId}, expected=${params.expectedRiskId}`);
  }
  if (params.now >= approval.expiresAt) return reject('EXPIRED', `expiresAt=${approval.expiresAt}, now=${params.now}`);
  const tokenId = approvalTokenId(approval);
  if (params.seen.has(tokenId)) return reject('REPLAYED', `token ${tokenId} was already used`);
  params.seen.add(tokenId, approval.expiresAt);
  return { ok: true, tokenId };
}
