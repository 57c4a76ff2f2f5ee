import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { RiskProtocol } from '../risk/protocol.js';

/** The engine's word to the gate: send what it holds on to the risk actor. */
export interface ReleaseOrders {
  readonly type: 'backtest.releaseOrders';
}

export const RELEASE_ORDERS: ReleaseOrders = Object.freeze({ type: 'backtest.releaseOrders' });

export type OrderGateProtocol = RiskProtocol | ReleaseOrders;

/** What a gate holds, in arrival order, with each message's sender; the engine reads its size. */
export class OrderHold {
  readonly #held: { readonly message: RiskProtocol; readonly sender: ActorRef | undefined }[] = [];

  get size(): number {
    return this.#held.length;
  }

  push(message: RiskProtocol, sender: ActorRef | undefined): void {
    this.#held.push({ message, sender });
  }

  /** Empties the hold, returning what it held in arrival order. */
  take(): { readonly message: RiskProtocol; readonly sender: ActorRef | undefined }[] {
    return this.#held.splice(0);
  }
}

export interface OrderGateProps {
  readonly risk: ActorRef<RiskProtocol>;
  /** Shared with the engine, which releases the gate when it holds anything. */
  readonly hold: OrderHold;
}

/**
 * Stands in for the risk actor in a backtest strategy's props: it holds whatever the strategy sends to
 * risk, in order, until the engine has brought risk and the portfolio up to the slice the strategy stopped
 * at, then forwards it with the original sender, to which the risk actor replies and which it passes on to
 * the broker as `replyTo`.
 */
export class OrderGate extends Actor<OrderGateProtocol, OrderGateProps> {
  receive(msg: OrderGateProtocol, ctx: ActorContext<OrderGateProtocol>): void {
    if (msg.type === RELEASE_ORDERS.type) return this.#release(ctx);
    this.props.hold.push(msg, ctx.sender);
  }

  #release(ctx: ActorContext<OrderGateProtocol>): void {
    for (const { message, sender } of this.props.hold.take()) ctx.system.tell(this.props.risk, message, sender);
  }
}
