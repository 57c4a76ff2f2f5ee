/**
 * An append-only log shared between successive immutable states: each state holds the log and its own
 * length, and sees only the entries below it. Appending to the newest state is O(1) and shares the
 * storage; appending to an older state (a branch) copies its prefix first. Old states therefore never
 * see later entries, which keeps `applyFill(state, fill)` pure without copying the whole history per event.
 */
export class SharedLog<T> {
  readonly #items: T[];
  readonly #index: Map<string, number> | undefined;
  readonly #keyOf: ((item: T) => string) | undefined;

  private constructor(items: T[], keyOf?: (item: T) => string) {
    this.#items = items;
    this.#keyOf = keyOf;
    this.#index = keyOf === undefined ? undefined : new Map(items.map((item, i) => [keyOf(item), i]));
  }

  /** A log of `items`, optionally indexed by `keyOf` for `has`. */
  static of<T>(items: readonly T[], keyOf?: (item: T) => string): LogView<T> {
    return { log: new SharedLog([...items], keyOf), length: items.length };
  }

  /** Appends `item` to the cursor's window in place (a cursor behind its log's end, a branch, copies its prefix first). */
  static push<T>(cursor: LogCursor<T>, item: T): void {
    let log = cursor.log;
    if (log.#items.length !== cursor.length) log = cursor.log = new SharedLog(log.#items.slice(0, cursor.length), log.#keyOf);
    log.#items.push(item);
    if (log.#index !== undefined) log.#index.set(log.#keyOf!(item), log.#items.length - 1);
    cursor.length += 1;
  }

  /**
   * Keeps only the newest `n` items of the cursor's window: the cursor moves to a new log holding them
   * (O(n)), so views taken before still see the old log whole.
   */
  static keepLast<T>(cursor: LogCursor<T>, n: number): void {
    if (cursor.length <= n) return;
    const log = cursor.log;
    cursor.log = new SharedLog(log.#items.slice(cursor.length - n, cursor.length), log.#keyOf);
    cursor.length = n;
  }

  /** A view of the cursor's window as it stands now: later pushes do not show in it. */
  static view<T>(cursor: LogCursor<T>): LogView<T> {
    return { log: cursor.log, length: cursor.length };
  }

  /** Whether the view holds an item with this key (indexed logs only). */
  static has<T>(view: LogView<T>, key: string): boolean {
    const i = view.log.#index?.get(key);
    return i !== undefined && i < view.length;
  }

  /** The view's items, oldest first (a copy). */
  static items<T>(view: LogView<T>): T[] {
    return view.log.#items.slice(0, view.length);
  }

  /** The view's last item. */
  static last<T>(view: LogView<T>): T | undefined {
    return view.length === 0 ? undefined : view.log.#items[view.length - 1];
  }
}

/** One state's window on a shared log. */
export interface LogView<T> {
  readonly log: SharedLog<T>;
  readonly length: number;
}

/** A window that its one writer advances in place (the actor's live books), instead of a new view per append. */
export interface LogCursor<T> {
  log: SharedLog<T>;
  length: number;
}
