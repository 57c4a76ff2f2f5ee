import { addExtension } from 'msgpackr';

/**
 * Record layouts: key lists the journal writes by number instead of by name.
 *
 * A journaled event is a plain object, and MessagePack writes every key of every object as a string:
 * about half of the seven events an order leaves in the journals were key names, and writing them was
 * the largest part of encoding them. A plain object whose own keys are exactly one of the lists below,
 * in that order, is written by `Codec.encodeValue` as a record instead: msgpackr's read/write extension
 * (`d4 4c 00`, then the array `[layout id, ...values]`), which msgpackr decodes back to the same object,
 * keys in the same order. Any other object is written as a map, as before.
 *
 * The ids are stored in journals and snapshots, so this table is append-only: an id keeps its keys for
 * ever (test/runtime/record-layouts.test.ts pins them), a new shape gets the next id, and an id is never
 * reused. A journal written with layouts cannot be read by a Bifrost older than the layouts it uses; one
 * written before them reads as it always did (maps). Envelopes on the wire never use layouts, so nodes
 * of different versions still talk to each other.
 */
export const RECORD_EXTENSION_TYPE = 0x4c;

/** id -> keys. Append only; never edit or reuse an entry. `undefined` at 0: ids start at 1. */
export const RECORD_LAYOUTS: readonly (readonly string[] | undefined)[] = Object.freeze([
  undefined,
  // The broker's journal (actors/broker/broker-books.ts): opened orders and venue reports.
  ['kind', 'order', 'tokenId', 'expiresAt', 'time', 'replyTo', 'riskRef'],
  ['kind', 'order', 'tokenId', 'expiresAt', 'time', 'replyTo'],
  ['kind', 'order', 'tokenId', 'expiresAt', 'time', 'riskRef'],
  ['kind', 'order', 'tokenId', 'expiresAt', 'time'],
  ['kind', 'report', 'time'],
  ['kind', 'clientOrderId', 'venueOrderId', 'time'],
  ['kind', 'clientOrderId', 'fill'],
  ['kind', 'clientOrderId', 'reason', 'time'],
  ['kind', 'clientOrderId', 'time'],
  // Orders (actors/strategy/strategy.ts builds them in this order).
  ['clientOrderId', 'portfolioId', 'strategyId', 'symbol', 'side', 'type', 'quantity', 'tif', 'createdAt'],
  ['clientOrderId', 'portfolioId', 'strategyId', 'symbol', 'side', 'type', 'quantity', 'limitPrice', 'tif', 'createdAt'],
  ['clientOrderId', 'portfolioId', 'strategyId', 'symbol', 'side', 'type', 'quantity', 'stopPrice', 'tif', 'createdAt'],
  ['clientOrderId', 'portfolioId', 'strategyId', 'symbol', 'side', 'type', 'quantity', 'limitPrice', 'stopPrice', 'tif', 'createdAt'],
  // Fills: as the venue reports them, and as the OMS books them.
  ['fillId', 'clientOrderId', 'portfolioId', 'symbol', 'side', 'quantity', 'price', 'commission', 'time', 'venue', 'venueOrderId', 'leavesQuantity'],
  ['fillId', 'clientOrderId', 'portfolioId', 'symbol', 'side', 'quantity', 'price', 'commission', 'time', 'venue'],
  // The risk actor's journal (actors/risk/risk-actor.ts) and its day-trade book.
  ['kind', 'portfolioId', 'strategyId', 'clientOrderId', 'seq', 'time'],
  ['kind', 'portfolioId', 'clientOrderId'],
  ['kind', 'fill'],
  ['portfolioId', 'clientOrderId', 'symbol', 'side', 'quantity', 'time', 'positionBefore'],
  // The portfolio's journal (actors/portfolio/portfolio-actor.ts).
  ['kind', 'fill', 'brokerId', 'seq', 'brokerRef'],
  ['kind', 'fill', 'brokerId', 'seq'],
  // Actor refs as journals keep them.
  ['node', 'path'],
].map((keys) => (keys === undefined ? undefined : Object.freeze(keys))));

/** A step in the key trie: the layout that ends here, and where each next key leads. */
interface KeyNode {
  /** The layout whose keys end at this node. */
  layout: number | undefined;
  /** The first layout's next key here and its node, compared before the map (keys are interned: one pointer test). */
  key: string | undefined;
  next: KeyNode | undefined;
  readonly children: Map<string, KeyNode>;
}

function keyNode(): KeyNode {
  return { layout: undefined, key: undefined, next: undefined, children: new Map() };
}

/** The trie of every layout's keys. */
const RECORD_KEYS: KeyNode = keyNode();
for (let id = 1; id < RECORD_LAYOUTS.length; id++) {
  let node = RECORD_KEYS;
  for (const key of RECORD_LAYOUTS[id]!) {
    let child = node.children.get(key);
    if (child === undefined) {
      node.children.set(key, (child = keyNode()));
      if (node.key === undefined) {
        node.key = key;
        node.next = child;
      }
    }
    node = child;
  }
  node.layout = id;
}

const objectHasOwnProperty = Object.prototype.hasOwnProperty;

/**
 * The id of the layout whose keys are `value`'s own enumerable keys in their order, or `undefined`. It walks
 * the keys only (down the trie, stopping at the first key no layout has), so deciding costs no value writes.
 */
export function layoutOf(value: object): number | undefined {
  let node = RECORD_KEYS;
  for (const key in value) {
    if (!objectHasOwnProperty.call(value, key)) continue;
    const next = key === node.key ? node.next : node.children.get(key);
    if (next === undefined) return undefined;
    node = next;
  }
  return node.layout;
}

/** The object a record decodes to; throws (msgpackr's caller wraps it) when the record does not fit a layout. */
function readRecord(data: unknown): Record<string, unknown> {
  if (!Array.isArray(data) || data.length === 0) throw new Error('a record is not [layout id, ...values]');
  const id: unknown = data[0];
  const keys = typeof id === 'number' ? RECORD_LAYOUTS[id] : undefined;
  if (keys === undefined) throw new Error(`unknown record layout ${String(id)} (written by a newer Bifrost?)`);
  if (data.length !== keys.length + 1) throw new Error(`record layout ${id} has ${keys.length} keys, the record ${data.length - 1} values`);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) out[keys[i]!] = data[i + 1];
  return out;
}

addExtension({ type: RECORD_EXTENSION_TYPE, read: readRecord });
