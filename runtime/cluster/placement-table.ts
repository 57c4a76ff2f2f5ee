import { isDeepStrictEqual } from 'node:util';
import type { JetStreamClient, KV, KvEntry, QueuedIterator } from 'nats';
import type { Clock } from '../clock.js';
import { segmentProblem } from '../path.js';
import { rewatch, startWatch } from './buckets.js';
import { casPut } from './cas.js';
import { CorruptClusterRecordError, InvalidClusterOptionsError, NotPlacedError, PlacementConflictError } from './errors.js';
import { decodeJson, encodeJson } from './node-record.js';

/**
 * One row of the placement table: where the actor `kind`/`name` runs. The actor is spawned top-level as
 * `/<name>` by kind on `node`, with props `{ ...props, epoch }`. `epoch` goes up by one on every
 * (re)assignment; `incarnation` is the owner process's, so a node that restarted under the same name does
 * not mistake its previous life's entries for its own.
 */
export interface PlacementEntry {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly node: string | null;
  readonly incarnation: string | null;
  readonly epoch: number;
  readonly props: Readonly<Record<string, unknown>>;
  readonly assignedAt: number | null;
}

/** An entry with the KV revision it was read at (for compare-and-set). */
export interface VersionedEntry {
  readonly entry: PlacementEntry;
  readonly revision: number;
}

/** What {@link PlacementTable.place} takes. Props must be JSON (they are stored as JSON). */
export interface PlaceRequest {
  readonly kind: string;
  readonly name: string;
  readonly props?: Readonly<Record<string, unknown>>;
}

/** The id of actor `kind`/`name`. */
export function actorId(kind: string, name: string): string {
  return `${kind}/${name}`;
}

// KV keys allow [-/_=.A-Za-z0-9]; names also allow ':', '@', '+', and '.' would make `a.b`/`c` and `a`/`b.c`
// collide, so escape those (and '=' itself) as =XX.
function escapeKeyPart(part: string): string {
  return part.replace(/[=.:@+]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The KV key of actor `kind`/`name`: `<kind>.<name>`, each part escaped. */
export function placementKey(kind: string, name: string): string {
  return `${escapeKeyPart(kind)}.${escapeKeyPart(name)}`;
}

function asEntry(entry: KvEntry): PlacementEntry {
  const v = decodeJson(entry.bucket, entry.key, entry.value) as Partial<PlacementEntry> | null;
  if (
    typeof v !== 'object' || v === null || typeof v.kind !== 'string' || typeof v.name !== 'string' || typeof v.epoch !== 'number' ||
    (v.node !== null && typeof v.node !== 'string') || typeof v.props !== 'object' || v.props === null
  ) {
    throw new CorruptClusterRecordError(entry.bucket, entry.key, 'not a placement entry');
  }
  return { id: actorId(v.kind, v.name), path: `/${v.name}`, incarnation: null, assignedAt: null, ...v } as PlacementEntry;
}

type Listener = (id: string, current: VersionedEntry | undefined) => void;

/** Tries for {@link PlacementTable.place} when other writes keep moving the bucket under it. */
export const PLACE_ATTEMPTS = 50;
const RETRY_WAIT_MS = 20;
/** How long after a lost watch another is started. */
const REWATCH_WAIT_MS = 1_000;

/** The placement bucket and what writing to it needs. */
export interface PlacementBucket {
  readonly js: JetStreamClient;
  readonly kv: KV;
  /** A view of the bucket for the watch only (`watchView` in buckets.ts); default `kv`. */
  readonly watchKv?: KV;
  readonly name: string;
}

/**
 * The placement table in a JetStream KV bucket, mirrored locally by a watch. The mirror is consistent as
 * of the last stream sequence the watch delivered; every conditional write (placing, assigning) is a
 * compare-and-set against that sequence (see cas.ts), so it succeeds only if the writer saw the whole
 * bucket as it is. Only the leader assigns; any node may place or remove entries.
 */
export class PlacementTable {
  readonly bucket: PlacementBucket;
  readonly #clock: Clock;
  readonly #byKey = new Map<string, VersionedEntry>();
  readonly #listeners = new Set<Listener>();
  readonly #onError: (error: unknown) => void;
  #lastSeq = 0;
  #watcher: QueuedIterator<KvEntry> | undefined;
  #stopped = false;

  constructor(bucket: PlacementBucket, clock: Clock, onError: (error: unknown) => void) {
    this.bucket = bucket;
    this.#clock = clock;
    this.#onError = onError;
  }

  /** Starts the watch (see {@link startWatch}) and resolves once the existing entries are loaded. */
  async start(): Promise<void> {
    let initialized!: () => void;
    const synced = new Promise<void>((resolve) => (initialized = resolve));
    const watcher = await startWatch(this.bucket.watchKv ?? this.bucket.kv, { initializedFn: () => initialized() });
    if (this.#stopped) {
      watcher.stop();
      return;
    }
    this.#watcher = watcher;
    void (async () => {
      try {
        for await (const e of watcher) this.#apply(e);
      } catch (error) {
        this.#onError(error);
      }
      // Another watch replays the last values.
      if (!this.#stopped) rewatch(this.#clock, REWATCH_WAIT_MS, () => this.start(), this.#onError, () => this.#stopped);
    })();
    await synced;
  }

  stop(): void {
    this.#stopped = true;
    this.#watcher?.stop();
  }

  /** The stream sequence the local mirror is consistent with. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Called with the id and the new entry (undefined when removed) on every change. */
  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every entry as last seen, sorted by id. */
  entries(): VersionedEntry[] {
    return [...this.#byKey.values()].sort((a, b) => (a.entry.id < b.entry.id ? -1 : 1));
  }

  /** The entry with `id` as last seen, with its revision. */
  byId(id: string): VersionedEntry | undefined {
    const slash = id.indexOf('/');
    return this.#byKey.get(placementKey(id.slice(0, slash), id.slice(slash + 1)));
  }

  /** The entry of `kind`/`name` as last seen. */
  get(kind: string, name: string): PlacementEntry | undefined {
    return this.#byKey.get(placementKey(kind, name))?.entry;
  }

  /**
   * Adds actor `kind`/`name`, unassigned (the leader assigns it). Placing it again with the same props is
   * a no-op; with other props it throws {@link PlacementConflictError}.
   */
  async place(request: PlaceRequest): Promise<PlacementEntry> {
    const problems: string[] = [];
    const kindProblem = segmentProblem(request.kind);
    if (kindProblem !== undefined) problems.push(`kind: ${kindProblem}`);
    const nameProblem = segmentProblem(request.name);
    if (nameProblem !== undefined) problems.push(`name: ${nameProblem}`);
    const props = request.props ?? {};
    if (typeof props !== 'object' || props === null || Array.isArray(props)) problems.push('props must be a plain object');
    else if ('epoch' in props) problems.push('props.epoch is set by placement');
    if (problems.length > 0) throw new InvalidClusterOptionsError(problems);
    const entry: PlacementEntry = {
      id: actorId(request.kind, request.name),
      kind: request.kind,
      name: request.name,
      path: `/${request.name}`,
      node: null,
      incarnation: null,
      epoch: 0,
      props: JSON.parse(JSON.stringify(props)) as Record<string, unknown>,
      assignedAt: null,
    };
    const key = placementKey(request.kind, request.name);
    let lastError: unknown;
    for (let attempt = 0; attempt < PLACE_ATTEMPTS; attempt++) {
      const existing = this.#byKey.get(key);
      if (existing !== undefined) {
        if (existing.entry.kind === entry.kind && isDeepStrictEqual(existing.entry.props, entry.props)) return existing.entry;
        throw new PlacementConflictError(entry.id);
      }
      try {
        await this.#write(key, entry);
        return entry;
      } catch (error) {
        lastError = error; // the bucket moved on: let the watch catch up and look again
        await new Promise((r) => setTimeout(r, RETRY_WAIT_MS));
      }
    }
    throw lastError;
  }

  /** Removes actor `kind`/`name`; its owner stops it. Throws {@link NotPlacedError} when absent. */
  async remove(kind: string, name: string): Promise<void> {
    const key = placementKey(kind, name);
    const existing = await this.bucket.kv.get(key);
    if (existing === null || existing.operation !== 'PUT') throw new NotPlacedError(actorId(kind, name));
    await this.bucket.kv.delete(key);
  }

  /**
   * Assigns `current` to `node` with epoch + 1, if the bucket has not changed since the mirror's last
   * sequence. Returns the new entry, or undefined when something was written first (retry on a later pass).
   */
  async assign(current: VersionedEntry, node: string, incarnation: string): Promise<VersionedEntry | undefined> {
    const key = placementKey(current.entry.kind, current.entry.name);
    if (this.#byKey.get(key)?.revision !== current.revision) return undefined;
    const entry: PlacementEntry = { ...current.entry, node, incarnation, epoch: current.entry.epoch + 1, assignedAt: this.#clock.now() };
    try {
      return await this.#write(key, entry);
    } catch {
      return undefined;
    }
  }

  /** CAS against the mirror's sequence; on success the mirror takes the write at once (nothing came between). */
  async #write(key: string, entry: PlacementEntry): Promise<VersionedEntry> {
    const expected = this.#lastSeq;
    const revision = await casPut(this.bucket.js, this.bucket.name, key, encodeJson(entry), expected);
    const versioned = { entry, revision };
    if (revision > this.#lastSeq) this.#set(key, versioned, revision);
    return versioned;
  }

  #apply(e: KvEntry): void {
    if (e.revision <= this.#lastSeq) return; // our own write, already applied
    if (e.operation !== 'PUT') {
      const known = this.#byKey.get(e.key);
      this.#lastSeq = e.revision;
      if (known === undefined) return;
      this.#byKey.delete(e.key);
      this.#notify(known.entry.id, undefined);
      return;
    }
    let entry: PlacementEntry;
    try {
      entry = asEntry(e);
    } catch (error) {
      this.#lastSeq = e.revision;
      this.#onError(error);
      return;
    }
    this.#set(e.key, { entry, revision: e.revision }, e.revision);
  }

  #set(key: string, versioned: VersionedEntry, seq: number): void {
    this.#lastSeq = Math.max(this.#lastSeq, seq);
    this.#byKey.set(key, versioned);
    this.#notify(versioned.entry.id, versioned);
  }

  #notify(id: string, current: VersionedEntry | undefined): void {
    for (const listener of this.#listeners) {
      try {
        listener(id, current);
      } catch (error) {
        this.#onError(error);
      }
    }
  }
}
