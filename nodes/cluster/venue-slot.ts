import type { Logger } from 'pino';
import type { ClusterConfig } from '../../cluster.config.js';
import type { ActorSystem } from '../../runtime/system.js';
import { InstrumentRegistry } from '../../actors/domain/instrument.js';
import { IbVenue } from '../../actors/broker/ib/ib-venue.js';
import { ibConfigFromEnv } from '../../actors/broker/ib/ib-config.js';
import { PaperVenue } from '../../actors/broker/paper-venue.js';
import { attachOrderPath } from '../../actors/broker/services.js';
import type { OrderPathServices } from '../../actors/broker/services.js';
import type { Venue } from '../../actors/broker/venue.js';
import { DEFAULT_PORTFOLIO_ID, instrumentFor } from '../shared/wiring.js';

/**
 * The node's venue for the desk's broker, behind the node's order-path services. A venue is built at
 * start but connects only when a broker uses it (the broker's reconciliation connects it), so the
 * nodes that do not host the desk hold no TWS session: IB allows one session per client id. When the
 * desk leaves this node, {@link reset} closes the venue (an IB session ends) and puts a fresh one in
 * its place for the next time the desk comes here.
 */
export class VenueSlot {
  readonly #system: ActorSystem;
  readonly #config: Pick<ClusterConfig, 'broker' | 'symbols'>;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #services: Omit<OrderPathServices, 'venues'>;
  readonly #log: Logger;
  #venue: Venue;

  constructor(system: ActorSystem, config: Pick<ClusterConfig, 'broker' | 'symbols'>, env: Readonly<Record<string, string | undefined>>, services: Omit<OrderPathServices, 'venues'>, log: Logger) {
    this.#system = system;
    this.#config = config;
    this.#env = env;
    this.#services = services;
    this.#log = log;
    this.#venue = this.#build();
    this.#attach();
  }

  get venue(): Venue {
    return this.#venue;
  }

  /** Closes the current venue and attaches a fresh, unconnected one. */
  async reset(): Promise<void> {
    const old = this.#venue;
    this.#venue = this.#build();
    this.#attach();
    await old.close();
  }

  /** Closes the venue for good (node shutdown). */
  close(): Promise<void> {
    return this.#venue.close();
  }

  #build(): Venue {
    if (this.#config.broker.kind === 'ib') {
      // After a failover this venue never submitted the orders it learns of at connect: they all belong to the desk's one portfolio.
      return new IbVenue({ config: ibConfigFromEnv(this.#config.broker.ib, this.#env as NodeJS.ProcessEnv), logger: this.#log.child({ venue: 'ib' }), resolvePortfolio: () => DEFAULT_PORTFOLIO_ID });
    }
    const registry = new InstrumentRegistry(this.#config.symbols.map(instrumentFor));
    // Bars are the feed, so the paper venue fills a market order at the next bar's open, as in a backtest.
    return new PaperVenue({ name: 'paper', registry, clock: this.#system.clock, mode: 'backtest' });
  }

  #attach(): void {
    attachOrderPath(this.#system, { ...this.#services, venues: new Map([[this.#venue.name, this.#venue]]) });
  }
}
