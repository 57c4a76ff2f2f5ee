import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { Message } from '../../runtime/ref.js';
import type { BeforeActivate, FenceableJournal } from '../../runtime/cluster/index.js';
import { fenceJournalHook } from '../../runtime/cluster/index.js';
import type { SupervisorStrategy } from '../../supervision/strategy.js';
import { spawnSpec } from '../../supervision/spec.js';
import { FencedError } from '../../persistence/errors.js';
import { ClusterNodeError } from './errors.js';
import { orderPathChildren, orderPathStrategy } from '../shared/wiring.js';

/** The placement kind (and name) of the order-path unit. */
export const DESK_KIND = 'desk';

/** Props of the desk: the order path of one portfolio, plain data from the cluster config. */
export interface DeskProps {
  readonly portfolioId: string;
  readonly initialCash: number;
  readonly symbols: readonly string[];
  /** Risk limit overrides (config `riskLimits`). */
  readonly limits?: Readonly<Record<string, unknown>>;
  /** The venue's name in the node's order-path services: `paper` or `ib`. */
  readonly venue: string;
  readonly brokerId: string;
  readonly riskId: string;
  /** Set by placement: every journaled child writes with it, so a previous owner is fenced off. */
  readonly epoch?: number;
}

/**
 * The order path as ONE placed unit: a supervisor that spawns the portfolio, the broker, the risk actor
 * and the feeder as its children (`/desk/portfolio`, `/desk/broker`, `/desk/risk`, `/desk/feeder`), so
 * they always run on the same node, move together on failover and name each other by plain local paths.
 * Each journaled child gets the desk's placement epoch. Everything outside the desk reaches it through
 * placed refs (`placedRef('/desk/risk')`), which follow it to whichever node hosts it.
 */
export class DeskActor extends Actor<Message, DeskProps> {
  override started(ctx: ActorContext): void {
    const p = this.props;
    const children = orderPathChildren({
      base: ctx.path, node: ctx.system.node, portfolioId: p.portfolioId, initialCash: p.initialCash, symbols: p.symbols, venue: p.venue,
      brokerId: p.brokerId, riskId: p.riskId, ...(p.limits === undefined ? {} : { limits: p.limits }), ...(p.epoch === undefined ? {} : { epoch: p.epoch }),
    });
    for (const child of children) spawnSpec(ctx, child);
  }

  receive(message: Message, ctx: ActorContext): void {
    ctx.system.deadLetter(ctx.self, message, ctx.sender, 'unknown', `the desk ${ctx.path} takes no messages; send to its children`);
  }

  override supervisorStrategy(): SupervisorStrategy {
    return orderPathStrategy();
  }
}

/** The journal ids of the desk's children. */
export function deskPersistenceIds(props: Pick<DeskProps, 'portfolioId' | 'brokerId' | 'riskId'>): string[] {
  return [`portfolio-${props.portfolioId}`, `broker-${props.brokerId}`, `risk-${props.riskId}`];
}

/**
 * The node's fencing hook: before a desk starts on this node, all three of its journals are fenced at
 * the new epoch, so a previous owner still running (a hung process) can write to none of them once any
 * child here has started. Other kinds get the default hook (their own `persistenceId()`).
 */
export function deskFencingHook(journal: FenceableJournal): BeforeActivate {
  const fallback = fenceJournalHook(journal);
  return async (entry, actorClass) => {
    if (entry.kind !== DESK_KIND) return fallback(entry, actorClass);
    const props = entry.props as unknown as DeskProps;
    for (const id of deskPersistenceIds(props)) {
      try {
        await journal.fence(id, entry.epoch);
      } catch (error) {
        if (!(error instanceof FencedError)) throw error;
        throw new ClusterNodeError(
          'PLACEMENT_BEHIND_JOURNAL',
          `${id} was written at epoch ${error.currentEpoch}, above this placement's epoch ${entry.epoch}: either a newer owner holds the desk, or the placement table (the JetStream store) was reset while the journal (the PostgreSQL schema) was kept. They belong together: reset both, or start with a new cluster name and schema.`,
          { cause: error },
        );
      }
    }
  };
}
