/** Anything published on the event stream: an object with a `type`. */
export interface StreamEvent {
  readonly type: string;
}

export type EventFilter<E extends StreamEvent> = string | readonly string[] | ((event: E) => boolean);
type Listener = (event: StreamEvent) => void;

/**
 * In-process publish/subscribe for lifecycle, supervisor, dead-letter and domain events.
 * Delivery is synchronous and in publish order; a listener that throws is counted and skipped,
 * it never breaks the publisher.
 */
export class EventStream {
  #byType = new Map<string, Set<Listener>>();
  #all = new Set<Listener>();
  /** Listener exceptions swallowed so far. */
  listenerErrors = 0;

  /** Subscribes to events matching `filter` (a type, a list of types, or a predicate); returns an unsubscribe function. */
  subscribe<E extends StreamEvent = StreamEvent>(filter: EventFilter<E> | undefined, listener: (event: E) => void): () => void {
    if (typeof filter === 'string' || Array.isArray(filter)) {
      const types = typeof filter === 'string' ? [filter] : (filter as readonly string[]);
      const l = listener as Listener;
      for (const t of types) {
        let set = this.#byType.get(t);
        if (set === undefined) this.#byType.set(t, (set = new Set()));
        set.add(l);
      }
      return () => { for (const t of types) this.#byType.get(t)?.delete(l); };
    }
    const predicate = filter as ((event: E) => boolean) | undefined;
    const l: Listener = predicate === undefined ? (listener as Listener) : (e) => { if (predicate(e as E)) listener(e as E); };
    this.#all.add(l);
    return () => { this.#all.delete(l); };
  }

  /** True when someone listens to this type; lets publishers skip building events nobody reads. */
  hasListeners(type: string): boolean {
    return this.#all.size > 0 || (this.#byType.get(type)?.size ?? 0) > 0;
  }

  publish<E extends StreamEvent>(event: E): void {
    const set = this.#byType.get(event.type);
    if (set !== undefined) for (const l of set) this.#deliver(l, event);
    for (const l of this.#all) this.#deliver(l, event);
  }

  #deliver(listener: Listener, event: StreamEvent): void {
    try {
      listener(event);
    } catch {
      this.listenerErrors++;
    }
  }
}
