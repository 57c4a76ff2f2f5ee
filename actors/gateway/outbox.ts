import { serviceKey } from '../../runtime/services.js';
import type { ServerEvent } from './protocol.js';

/**
 * Where a session's events go: the gateway server implements it over a WebSocket. `bufferedBytes` is
 * what the socket has queued but not yet handed to the OS (ws's `bufferedAmount`): it grows when the
 * client reads slower than events come.
 */
export interface SessionOutlet {
  send(event: ServerEvent): void;
  bufferedBytes(): number;
  close(code: number, reason: string): void;
}

/** The outlets of a node's sessions, by session id; the gateway server provides it. */
export const SESSION_OUTLETS = serviceKey<Map<string, SessionOutlet>>('gateway.outlets');

/** Above this many queued bytes a session holds market data back (latest wins). */
export const DEFAULT_HIGH_WATER_BYTES = 256 * 1024;
/** Above this many queued bytes a client is too slow to serve: its socket is closed (1013). */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Close code for a client too slow to keep up ("try again later"). */
export const CLOSE_TOO_SLOW = 1013;

/** How far behind a socket may fall: latest-wins events wait above the first, the client is cut off above the second. */
export interface OutboxLimits {
  /** Default {@link DEFAULT_HIGH_WATER_BYTES}. */
  readonly highWaterBytes: number;
  /** Default {@link DEFAULT_MAX_BUFFERED_BYTES}. */
  readonly maxBufferedBytes: number;
}

interface Slot {
  readonly make: (dropped: number) => ServerEvent;
  readonly dropped: number;
  readonly minIntervalMs: number;
}

/**
 * A session's way out, with two kinds of event. Reliable ones (order updates, fills, replies) are
 * always sent; a client so slow that the socket's queue passes `maxBufferedBytes` is cut off instead of
 * letting it grow. Latest-wins ones (a symbol's bar or quote, the portfolio) go out at once while the
 * socket keeps up; otherwise one per key is held, a newer one replacing it and counting it as dropped, so
 * what a slow client costs is bounded by the number of keys, not by the rate of updates.
 */
export class Outbox {
  readonly #slots = new Map<string, Slot>();
  readonly #lastSent = new Map<string, number>();
  /** Latest-wins events replaced before they were sent. */
  droppedTotal = 0;
  /** Events handed to the outlet. */
  sentTotal = 0;
  #overflowed = false;

  constructor(
    private readonly outlet: SessionOutlet,
    private readonly limits: OutboxLimits,
    private readonly now: () => number,
  ) {}

  /** The socket is behind: latest-wins events wait. */
  get congested(): boolean {
    return this.outlet.bufferedBytes() > this.limits.highWaterBytes;
  }

  /** Whether the client fell so far behind that the session must close it. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Latest-wins events held back, one per key. */
  get pending(): number {
    return this.#slots.size;
  }

  /** Sends a reliable event; false (and `overflowed`) when the client is too far behind to take it. */
  send(event: ServerEvent): boolean {
    if (this.#overflowed) return false;
    if (this.outlet.bufferedBytes() > this.limits.maxBufferedBytes) {
      this.#overflowed = true;
      return false;
    }
    this.outlet.send(event);
    this.sentTotal += 1;
    return true;
  }

  /**
   * Offers the latest value of `key`: sent now when nothing of that key waits, the socket keeps up and
   * `minIntervalMs` passed since the last one; held otherwise. True when something is held (the caller
   * schedules a `flush`).
   */
  offer(key: string, make: (dropped: number) => ServerEvent, minIntervalMs = 0): boolean {
    const held = this.#slots.get(key);
    if (held === undefined && !this.congested && this.#due(key, minIntervalMs)) {
      this.#emit(key, make(0));
      return this.#slots.size > 0;
    }
    if (held !== undefined) this.droppedTotal += 1;
    this.#slots.set(key, { make, dropped: held === undefined ? 0 : held.dropped + 1, minIntervalMs });
    return true;
  }

  /** Drops what is held for `key` (an unsubscribed symbol). */
  forget(key: string): void {
    this.#slots.delete(key);
    this.#lastSent.delete(key);
  }

  /** Sends what is held and due while the socket keeps up; true when something is still held. */
  flush(): boolean {
    for (const [key, slot] of [...this.#slots]) {
      if (this.congested || this.#overflowed) break;
      if (!this.#due(key, slot.minIntervalMs)) continue;
      this.#slots.delete(key);
      this.#emit(key, slot.make(slot.dropped));
    }
    return this.#slots.size > 0;
  }

  #due(key: string, minIntervalMs: number): boolean {
    return minIntervalMs <= 0 || this.now() - (this.#lastSent.get(key) ?? Number.NEGATIVE_INFINITY) >= minIntervalMs;
  }

  #emit(key: string, event: ServerEvent): void {
    if (this.send(event)) this.#lastSent.set(key, this.now());
  }
}
