import { Actor } from '../../runtime/actor.js';
import type { ActorContext } from '../../runtime/actor.js';
import type { ActorRef } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';
import type { RiskProtocol } from '../risk/protocol.js';

/** What a gate holds, in arrival order, with each message's sender; the engine reads its size and releases it. */
export class OrderHold {
  readonly #held: { readonly message: RiskProtocol; readonly sender: ActorRef | undefined }[] = [];

  get size(): number {
    return this.#held.length;
  }

  push(message: RiskProtocol, sender: ActorRef | undefined): void {
    this.#held.push({ message, sender });
  }

  /**
   * Sends what it holds on to `risk`, in arrival order, each with its original sender, and empties. The
   * engine calls it between turns, when the gate is idle: a message to the gate asking it to do the same
   * was one more message per order.
   */
  releaseTo(system: ActorSystem, risk: ActorRef<RiskProtocol>): void {
    for (const { message, sender } of this.#held.splice(0)) system.tell(risk, message, sender);
  }
}

export interface OrderGateProps {
  /** Shared with the engine, which releases it to the risk actor when it holds anything. */
  readonly hold: OrderHold;
}

/**
 * Stands in for the risk actor in a backtest strategy's props: it holds whatever the strategy sends to
 * risk, in order, until the engine has brought risk and the portfolio up to the slice the strategy stopped
 * at; the engine then forwards it with the original sender, to which the risk actor replies and which it
 * passes on to the broker as `replyTo`.
 */
export class OrderGate extends Actor<RiskProtocol, OrderGateProps> {
  receive(msg: RiskProtocol, ctx: ActorContext<RiskProtocol>): void {
    this.props.hold.push(msg, ctx.sender);
  }
}
