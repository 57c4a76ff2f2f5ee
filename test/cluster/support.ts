// Shared pieces of the cluster tests: real-clock systems, a few small actors, polling with a deadline.
import { pino } from 'pino';
import { Actor, ActorSystem } from '../../runtime/index.js';
import type { ActorClass, ActorContext, ActorRef, DeadLetter, Message } from '../../runtime/index.js';
import { ClusterNode } from '../../runtime/cluster/index.js';
import type { ClusterNodeOptions } from '../../runtime/cluster/index.js';

/** A system on the wall clock (remote asks and heartbeats need real time) with a silent logger. */
export function clusterSystem(node: string): ActorSystem {
  return ActorSystem.create({ node, logger: pino({ level: 'silent' }) });
}

export { waitFor } from '../helpers/wait-for.js';

/** Collects the dead letters of a system. */
export function deadLetters(system: ActorSystem): DeadLetter[] {
  const out: DeadLetter[] = [];
  system.events.subscribe<DeadLetter>('deadLetter', (e) => out.push(e));
  return out;
}

export type EchoMsg =
  | { readonly type: 'echo.ping'; readonly n: number }
  | { readonly type: 'echo.silent' }
  | { readonly type: 'echo.forward'; readonly to: ActorRef<EchoMsg>; readonly n: number }
  | { readonly type: 'echo.note'; readonly text: string }
  | { readonly type: 'echo.notes' };
export type EchoReply = { readonly type: 'echo.pong'; readonly n: number; readonly from: string } | { readonly type: 'echo.notes'; readonly notes: readonly string[] };

/** Replies to pings with the node it runs on, forwards on request, keeps notes, ignores `echo.silent`. */
export class Echo extends Actor<EchoMsg> {
  readonly notes: string[] = [];
  receive(msg: EchoMsg, ctx: ActorContext<EchoMsg>): void {
    switch (msg.type) {
      case 'echo.ping':
        return ctx.reply<EchoReply>({ type: 'echo.pong', n: msg.n, from: ctx.system.node });
      case 'echo.silent':
        return;
      case 'echo.forward':
        return ctx.forward(msg.to, { type: 'echo.ping', n: msg.n });
      case 'echo.note':
        this.notes.push(msg.text);
        return;
      case 'echo.notes':
        return ctx.reply<EchoReply>({ type: 'echo.notes', notes: [...this.notes] });
    }
  }
}

/** The message types of {@link Echo}, for a strict registry. */
export const ECHO_TYPES = ['echo.ping', 'echo.pong', 'echo.silent', 'echo.forward', 'echo.note', 'echo.notes'] as const;

/** Resolves once `system` has published an event of `type` matching `predicate`. */
export function nextEvent<E extends Message>(system: ActorSystem, type: string, predicate: (e: E) => boolean = () => true): Promise<E> {
  return new Promise((resolve) => {
    const off = system.events.subscribe<E>(type, (e) => {
      if (!predicate(e)) return;
      off();
      resolve(e);
    });
  });
}

export interface NodeSpec {
  readonly name: string;
  readonly roles?: readonly string[];
  readonly leaderEligible?: boolean;
  /** Actor kinds registered before the node joins (placement may spawn them at once). */
  readonly kinds?: Readonly<Record<string, ActorClass>>;
}

/**
 * Starts one ClusterNode per spec, node i connected to server i (mod the server count), in a cluster
 * of its own name; every node and system is stopped by teardown (killed ones too).
 */
export async function startNodes(
  t: { teardown(fn: () => Promise<void> | void): void },
  urls: readonly string[],
  clusterName: string,
  specs: readonly NodeSpec[],
  extra: Partial<Omit<ClusterNodeOptions, 'system' | 'clusterName' | 'servers'>> = {},
): Promise<ClusterNode[]> {
  const out: ClusterNode[] = [];
  for (const [i, spec] of specs.entries()) {
    const system = clusterSystem(spec.name);
    for (const [kind, actorClass] of Object.entries(spec.kinds ?? {})) system.kinds.register(kind, actorClass);
    const node = await ClusterNode.start({
      system,
      clusterName,
      servers: urls[i % urls.length]!,
      roles: spec.roles ?? [],
      leaderEligible: spec.leaderEligible ?? true,
      transport: { acceptUnregisteredTypes: true },
      ...extra,
    });
    t.teardown(async () => {
      await node.stop().catch(() => undefined);
      await system.shutdown();
    });
    out.push(node);
  }
  return out;
}
