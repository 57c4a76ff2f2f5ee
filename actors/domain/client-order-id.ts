import { InvalidClientOrderIdError } from './errors.js';

/** The persisted state of a `ClientOrderIdGenerator`. */
export interface ClientOrderIdState {
  /** The node that issues ids, `[A-Za-z0-9_]{1,32}` (no `-`, so ids parse unambiguously). */
  readonly nodeId: string;
  /** The generator's epoch; every start uses a fresh, strictly greater epoch. */
  readonly epoch: number;
  /** How many ids this epoch has issued. */
  readonly counter: number;
}

/** The parts of a client order id. */
export interface ParsedClientOrderId {
  readonly nodeId: string;
  readonly epoch: number;
  readonly counter: number;
}

const NODE_ID = /^[A-Za-z0-9_]{1,32}$/;

function checkState(state: ClientOrderIdState): void {
  if (typeof state.nodeId !== 'string' || !NODE_ID.test(state.nodeId)) {
    throw new InvalidClientOrderIdError('nodeId', `${JSON.stringify(state.nodeId)} does not match ${NODE_ID.source}`);
  }
  if (!Number.isSafeInteger(state.epoch) || state.epoch < 0) throw new InvalidClientOrderIdError('epoch', `${state.epoch} is not a non-negative integer`);
  if (!Number.isSafeInteger(state.counter) || state.counter < 0) throw new InvalidClientOrderIdError('counter', `${state.counter} is not a non-negative integer`);
}

/**
 * Issues client order ids `${nodeId}-${epoch}-${counter}` (epoch and counter in base 36) that are unique
 * across nodes (distinct node ids) and across restarts (each start takes a strictly greater epoch).
 *
 * Uniqueness across restarts does not depend on persisting every id: a start takes
 * `epoch = max(persisted.epoch + 1, now)`, so even a crash that lost the last few counter values, or a
 * lost state file (the wall clock then moves the epoch forward), cannot reissue an id. The caller must
 * persist `state()` once right after `start`/`restore` (before the first id is used) and may persist it
 * again at will. Two generators must never share a node id at the same time.
 *
 * @example
 * const saved = await journal.load('coid');                       // ClientOrderIdState | undefined
 * const ids = saved ? ClientOrderIdGenerator.restore(saved, clock.now())
 *                   : ClientOrderIdGenerator.start('trading1', clock.now());
 * await journal.save('coid', ids.state());                        // before the first next()
 * const clientOrderId = ids.next();                               // 'trading1-lq2x8kx0-0'
 */
export class ClientOrderIdGenerator {
  readonly #nodeId: string;
  readonly #epoch: number;
  #counter: number;
  /** `nodeId-epoch-`, made once: only the counter changes from one id to the next. */
  readonly #prefix: string;

  private constructor(state: ClientOrderIdState) {
    checkState(state);
    this.#nodeId = state.nodeId;
    this.#epoch = state.epoch;
    this.#counter = state.counter;
    this.#prefix = `${this.#nodeId}-${this.#epoch.toString(36)}-`;
  }

  /** A first start on `nodeId`, with the epoch taken from `now` (epoch ms). */
  static start(nodeId: string, now: number): ClientOrderIdGenerator {
    return new ClientOrderIdGenerator({ nodeId, epoch: Math.max(0, Math.floor(now)), counter: 0 });
  }

  /** A restart from persisted state: a strictly greater epoch, counter back to 0. */
  static restore(state: ClientOrderIdState, now: number): ClientOrderIdGenerator {
    checkState(state);
    return new ClientOrderIdGenerator({ nodeId: state.nodeId, epoch: Math.max(state.epoch + 1, Math.floor(now)), counter: 0 });
  }

  /** The next id. */
  next(): string {
    const id = this.#prefix + this.#counter.toString(36);
    this.#counter += 1;
    return id;
  }

  /** The state to persist. */
  state(): ClientOrderIdState {
    return Object.freeze({ nodeId: this.#nodeId, epoch: this.#epoch, counter: this.#counter });
  }
}

/** Splits an id issued by `ClientOrderIdGenerator`; `undefined` when it is not one. */
export function parseClientOrderId(id: string): ParsedClientOrderId | undefined {
  const match = /^([A-Za-z0-9_]{1,32})-([0-9a-z]+)-([0-9a-z]+)$/.exec(id);
  if (match === null) return undefined;
  const epoch = parseInt(match[2]!, 36);
  const counter = parseInt(match[3]!, 36);
  if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(counter)) return undefined;
  return { nodeId: match[1]!, epoch, counter };
}
