import { BifrostError } from './errors.js';

/**
 * A typed name for a dependency that actors cannot receive as props because it is not plain data:
 * a journal, a bar store, a venue connection, a key. The node provides it once per system.
 *
 * @example
 * export const BAR_STORE = serviceKey<BarStore>('market.barStore');
 * system.services.provide(BAR_STORE, bars);          // node set-up
 * const bars = ctx.system.services.get(BAR_STORE);   // inside an actor
 */
export interface ServiceKey<T> {
  readonly name: string;
  /** Phantom: never present at run time. */
  readonly __type?: T;
}

export function serviceKey<T>(name: string): ServiceKey<T> {
  return Object.freeze({ name });
}

/** An actor asked for a service its node never provided. */
export class ServiceNotProvidedError extends BifrostError {
  constructor(
    readonly service: string,
    readonly node: string,
  ) {
    super('SERVICE_NOT_PROVIDED', `node ${node} provides no ${service}; the node's set-up must call system.services.provide(...) for it`);
  }
}

/** The services of one actor system. */
export class Services {
  readonly #values = new Map<ServiceKey<unknown>, unknown>();

  constructor(private readonly node: string) {}

  provide<T>(key: ServiceKey<T>, value: T): void {
    this.#values.set(key, value);
  }

  /** The service, or a ServiceNotProvidedError naming it. */
  get<T>(key: ServiceKey<T>): T {
    if (!this.#values.has(key)) throw new ServiceNotProvidedError(key.name, this.node);
    return this.#values.get(key) as T;
  }

  find<T>(key: ServiceKey<T>): T | undefined {
    return this.#values.get(key) as T | undefined;
  }

  has(key: ServiceKey<unknown>): boolean {
    return this.#values.has(key);
  }
}
