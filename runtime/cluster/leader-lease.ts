import type { JetStreamClient, KV, KvEntry } from 'nats';
import type { Clock } from '../clock.js';
import { LEADER_KEY } from './buckets.js';
import { casDelete, casPut } from './cas.js';
import { asLeaseValue } from './lease-value.js';
import type { LeaseValue } from './lease-value.js';
import { encodeJson } from './node-record.js';

/** Who this lease participant is. */
export interface LeaseIdentity {
  readonly node: string;
  readonly incarnation: string;
  readonly eligible: boolean;
}

/** Where the lease lives: a bucket of its own, so its stream's last sequence is the lease key's revision. */
export interface LeaseBucket {
  readonly js: JetStreamClient;
  readonly kv: KV;
  readonly name: string;
}

/**
 * The leader lease: one `leader` key in a bucket of its own, changed only by compare-and-set against the
 * bucket's last sequence (see cas.ts for why not `kv.update`), so two nodes can never both win a round. The holder renews it on every heartbeat; another eligible node takes it over when the
 * holder is down by membership, or when the key's revision has not moved for `timeoutMs` of the
 * observer's own clock. Each takeover increments the term.
 */
export class LeaderLease {
  readonly #bucket: LeaseBucket;
  readonly #self: LeaseIdentity;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #onChange: (leader: string | undefined, term: number, previous: string | undefined) => void;
  #leader: string | undefined;
  #term = 0;
  #holding = false;
  #revision = 0;
  #revisionSeenAt = 0;

  constructor(bucket: LeaseBucket, self: LeaseIdentity, clock: Clock, timeoutMs: number, onChange: (leader: string | undefined, term: number, previous: string | undefined) => void) {
    this.#bucket = bucket;
    this.#self = self;
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
    this.#onChange = onChange;
  }

  /** The node holding the lease as last seen (undefined: none). */
  get leader(): string | undefined {
    return this.#leader;
  }

  get term(): number {
    return this.#term;
  }

  /** True only while this node's last renewal succeeded. */
  get isLeader(): boolean {
    return this.#holding;
  }

  /**
   * One round: renew when held, take over when the holder is down or the lease is stale, acquire when
   * free. Returns whether this node holds the lease afterwards. KV failures count as not holding it.
   */
  async tick(isDown: (node: string) => boolean): Promise<boolean> {
    let entry: KvEntry | null;
    try {
      entry = await this.#bucket.kv.get(LEADER_KEY);
    } catch {
      this.#holding = false;
      return false;
    }
    const now = this.#clock.now();
    if (entry === null || entry.operation !== 'PUT') {
      if (!this.#self.eligible) {
        this.#holding = false;
        this.#set(undefined, this.#term);
        return false;
      }
      // Free: never written (the stream is empty) or released (a delete marker at its revision).
      return this.#try(this.#value(this.#term + 1, now), entry?.revision ?? 0, this.#term + 1);
    }
    let value: LeaseValue;
    try {
      value = asLeaseValue(entry);
    } catch {
      // An unreadable lease is taken over like a stale one.
      value = { node: '', incarnation: '', term: this.#term, renewedAt: 0 };
    }
    if (entry.revision > this.#revision) {
      this.#revision = entry.revision;
      this.#revisionSeenAt = now;
    }
    const mine = value.node === this.#self.node && value.incarnation === this.#self.incarnation;
    // Renew against the newest revision we know of: our own last write may be newer than what we read.
    if (mine) return this.#try(this.#value(value.term, now), Math.max(entry.revision, this.#revision), value.term);
    this.#holding = false;
    this.#set(value.node || undefined, value.term);
    if (!this.#self.eligible) return false;
    // Our own previous incarnation holds it: that process is gone, since we run under its name.
    const stale = value.node === '' || value.node === this.#self.node || isDown(value.node) || now - this.#revisionSeenAt > this.#timeoutMs;
    if (!stale) return false;
    return this.#try(this.#value(value.term + 1, now), entry.revision, value.term + 1);
  }

  /** Gives the lease up (on a clean stop) so another node takes over without waiting for the timeout. */
  async release(): Promise<void> {
    if (!this.#holding) return;
    this.#holding = false;
    try {
      await casDelete(this.#bucket.js, this.#bucket.name, LEADER_KEY, this.#revision);
    } catch {
      // someone took it over meanwhile, or KV is down: the lease goes stale by itself
    }
    this.#set(undefined, this.#term);
  }

  /** Forgets the lease without touching KV (the node is going away uncleanly). */
  abandon(): void {
    this.#holding = false;
  }

  async #try(value: Uint8Array, expectedLastSeq: number, term: number): Promise<boolean> {
    try {
      this.#revision = await casPut(this.#bucket.js, this.#bucket.name, LEADER_KEY, value, expectedLastSeq);
      this.#revisionSeenAt = this.#clock.now();
      this.#holding = true;
      this.#set(this.#self.node, term);
      return true;
    } catch {
      // Lost the compare-and-set (or KV failed): someone else holds it; the next round reads who.
      this.#holding = false;
      return false;
    }
  }

  #value(term: number, now: number): Uint8Array {
    const value: LeaseValue = { node: this.#self.node, incarnation: this.#self.incarnation, term, renewedAt: now };
    return encodeJson(value);
  }

  #set(leader: string | undefined, term: number): void {
    const previous = this.#leader;
    const changed = previous !== leader || (leader !== undefined && term !== this.#term);
    this.#leader = leader;
    this.#term = term;
    if (changed) this.#onChange(leader, term, previous);
  }
}
