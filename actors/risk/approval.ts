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
 * True when `order` is a plain object of `OrderRequest`'s own fields holding strings and finite numbers,
 * as every real order is: `canonicalOrderText` then writes it without the general encoder, and it cannot
 * fail to encode. A field present as undefined is left out, as `canonicalEncode` leaves it out; any other
 * key (its own key count differs from the fields read) is not ours.
 */
function isFlatOrder(order: OrderRequest): boolean {
  if (Object.getPrototypeOf(order) !== Object.prototype) return false;
  const record = order as unknown as Record<string, unknown>;
  let read = 0;
  for (let i = 0; i < ORDER_FIELDS.length; i += 1) {
    const value = record[ORDER_FIELDS[i]!];
    if (value === undefined) continue;
    if (typeof value !== 'string' && (typeof value !== 'number' || !Number.isFinite(value))) return false;
    read += 1;
  }
  return Object.keys(record).length === read;
}

/**
 * The canonical text of an order (`canonicalEncode`). A flat order (`isFlatOrder`) has its fields read in
 * their known sorted order, so no key is sorted, looked up or encoded; anything else goes through
 * `flatCanonical`, which also raises the encoder's errors.
 */
export function canonicalOrderText(order: OrderRequest): string {
  return isFlatOrder(order) ? flatOrderText(order) : flatCanonical(order);
}

/** `canonicalOrderText` of an order `isFlatOrder` accepted. */
function flatOrderText(order: OrderRequest): string {
  const record = order as unknown as Record<string, unknown>;
  let out = '';
  for (let i = 0; i < ORDER_FIELDS.length; i += 1) {
    const value = record[ORDER_FIELDS[i]!];
    if (value === undefined) continue;
    out += (out === '' ? FIRST_FIELD[i]! : NEXT_FIELD[i]!) + (typeof value === 'string' ? quoted(value) : String(value));
  }
  return out === '' ? '{}' : `${out}}`;
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
 * or a non-integer `seq`/`expiresAt`, and the canonical encoder's error on an order it cannot encode.
 *
 * The token's `orderDigest` and `signature` are computed when first read (by a codec, a journal write,
 * JSON, a spread, the full verification of a copy) and are the same whenever that is: everything they
 * cover is fixed here, and the key Buffer must not change (as `hmacSha256Hex`'s cached pads assume).
 * `util.inspect` shows them as `[Getter]`; `{ getters: true }` reads them. A broker in this process
 * verifies the token by its memo and reads neither, so a backtest, whose journals keep values instead of
 * encoding them, never hashes at all (hashing took 15-19% of the benchmark's run). An order that could
 * fail to encode is encoded now instead, so that it is refused here and never in a later journal write.
 * @example const approved = signApproval(order, { key, riskId: 'risk', seq: 42, expiresAt: now + 5_000 });
 */
export function signApproval(order: OrderRequest, params: SignApprovalParams): ApprovedOrder {
  const { key, riskId, seq, expiresAt } = params;
  if (key.length === 0) throw new InvalidApprovalRequestError('key', 'is empty');
  if (typeof riskId !== 'string' || riskId.length === 0) throw new InvalidApprovalRequestError('riskId', 'is empty');
  if (!Number.isSafeInteger(seq) || seq < 0) throw new InvalidApprovalRequestError('seq', `${seq} is not a non-negative integer`);
  if (!Number.isSafeInteger(expiresAt)) throw new InvalidApprovalRequestError('expiresAt', `${expiresAt} is not an integer epoch ms`);
  const frozen = frozenRecord(order);
  const digest = isFlatOrder(frozen) ? undefined : orderDigest(frozen);
  // The two computed fields are own, enumerable accessors, so codecs, JSON, spreads and structuredClone
  // read them as values; they are the same two functions on every token, so V8 keeps tokens in one fast
  // shape (an object literal with getters would be a slow dictionary, ten times slower to read). The
  // fields are defined in the token format's order.
  const approval = { v: APPROVAL_TOKEN_VERSION } as { -readonly [K in keyof ApprovalToken]: ApprovalToken[K] };
  Object.defineProperty(approval, 'orderDigest', DIGEST_FIELD);
  approval.riskId = riskId;
  approval.seq = seq;
  approval.expiresAt = expiresAt;
  Object.defineProperty(approval, 'signature', SIGNATURE_FIELD);
  // Not enumerable: spreads, codecs and util.inspect leave it out.
  Object.defineProperty(approval, SIGNED, { value: new Signed(approval, frozen, key, digest) });
  // The order is frozen already and the token holds only primitives: freezing the two shells suffices.
  Object.freeze(approval);
  return Object.freeze({ order: frozen, approval });
}

// Verification of what `signApproval` produced in this process is memoised by object identity: the order
// and the token are frozen, so a token that carries its own memo (a non-enumerable property under a symbol
// of this module) is signed under the key the memo names, and the order it was signed with has the token's
// digest. A copied, decoded or altered token has no memo, or one naming another token (codecs, JSON,
// spreads and structuredClone leave it out; Object.assign-style copies of symbols name the original), so it
// is verified in full. Expiry, signer and replay are checked every time. (The memo was a WeakMap keyed by
// the token: its insertion and the collector's work on it cost 0.6-0.7 of an approval's 4.5 µs.)
const SIGNED = Symbol('bifrost.signedApproval');

/**
 * A token's memo: what it was signed for, and its two computed fields once read. It names the key by an
 * opaque identity; the key itself, needed to sign on first read, is a private field, which no inspection
 * (`util.inspect`, even with `showHidden`) prints.
 */
class Signed {
  readonly keyId: object;
  readonly #key: Buffer;
  #digest: string | undefined;
  #signature: string | undefined;

  constructor(readonly approval: ApprovalToken, readonly order: OrderRequest, key: Buffer, digest: string | undefined) {
    this.keyId = keyIdOf(key);
    this.#key = key;
    this.#digest = digest;
  }

  /** The order is flat when no digest was given (`signApproval` computes it at once otherwise). */
  digest(): string {
    return (this.#digest ??= hash('sha256', flatOrderText(this.order), 'hex'));
  }

  signature(): string {
    const { riskId, seq, expiresAt } = this.approval;
    return (this.#signature ??= mac(this.#key, { v: APPROVAL_TOKEN_VERSION, orderDigest: this.digest(), riskId, seq, expiresAt }));
  }
}

function memoOf(token: unknown): Signed {
  const memo = (token as { [SIGNED]?: unknown })[SIGNED];
  if (!(memo instanceof Signed)) throw new TypeError('an approval token field was read from something signApproval did not make');
  return memo;
}

const DIGEST_FIELD: PropertyDescriptor = {
  enumerable: true,
  get(this: ApprovalToken): string {
    return memoOf(this).digest();
  },
};
const SIGNATURE_FIELD: PropertyDescriptor = {
  enumerable: true,
  get(this: ApprovalToken): string {
    return memoOf(this).signature();
  },
};

/** An opaque identity per key Buffer: what a memo holds instead of the key. */
const keyIds = new WeakMap<Buffer, object>();
function keyIdOf(key: Buffer): object {
  let id = keyIds.get(key);
  if (id === undefined) keyIds.set(key, (id = Object.freeze({})));
  return id;
}

/**
 * The memo of `approved` when it is the very token `signApproval` made in this process, for this very
 * order and under `key`: then it is well formed, unchanged and signed under `key` by construction.
 */
function signedHere(approved: unknown, key: Buffer): Signed | undefined {
  if (typeof approved !== 'object' || approved === null) return undefined;
  const { order, approval } = approved as { order?: unknown; approval?: unknown };
  if (typeof approval !== 'object' || approval === null) return undefined;
  const memo = (approval as { [SIGNED]?: Signed })[SIGNED];
  if (!(memo instanceof Signed) || memo.approval !== approval || memo.order !== order || memo.keyId !== keyIds.get(key)) return undefined;
  return memo;
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
  // The token this process signed for this order under this key needs no digest, no HMAC and no reading
  // of its lazily computed fields; anything else is checked field by field.
  if (signedHere(approved, params.key) === undefined) {
    if (!isWellFormed(approved)) return reject('MALFORMED', 'not an approved order');
    const { order, approval } = approved;
    if (approval.v !== APPROVAL_TOKEN_VERSION) return reject('UNSUPPORTED_VERSION', `v=${String(approval.v)}`);
    let digest: string;
    try {
      digest = orderDigest(order);
    } catch {
      return reject('MALFORMED', 'order cannot be canonically encoded');
    }
    if (digest !== approval.orderDigest) return reject('TAMPERED', `order ${String(order.clientOrderId)} differs from the approved order`);
    const expected = Buffer.from(mac(params.key, { v: approval.v, orderDigest: approval.orderDigest, riskId: approval.riskId, seq: approval.seq, expiresAt: approval.expiresAt }), 'hex');
    const actual = Buffer.from(approval.signature, 'hex');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return reject('BAD_SIGNATURE', `token ${approvalTokenId(approval)} does not verify`);
    }
  }
  const { approval } = approved;
  if (params.expectedRiskId !== undefined && approval.riskId !== params.expectedRiskId) {
    return reject('UNKNOWN_SIGNER', `riskId=${approval.riskId}, expected=${params.expectedRiskId}`);
  }
  if (params.now >= approval.expiresAt) return reject('EXPIRED', `expiresAt=${approval.expiresAt}, now=${params.now}`);
  const tokenId = approvalTokenId(approval);
  if (params.seen.has(tokenId)) return reject('REPLAYED', `token ${tokenId} was already used`);
  params.seen.add(tokenId, approval.expiresAt);
  return { ok: true, tokenId };
}
