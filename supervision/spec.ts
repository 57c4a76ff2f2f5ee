import { Actor } from '../runtime/actor.js';
import type { ActorClass, ActorContext, SpawnOptions } from '../runtime/actor.js';
import type { MailboxOptions } from '../runtime/mailbox.js';
import { segmentProblem } from '../runtime/path.js';
import type { ActorRef, Message } from '../runtime/ref.js';
import type { RestartType, SupervisorStrategy } from './strategy.js';

/** A leaf of a supervision tree: one actor, by class or by registered kind name. */
export interface WorkerSpec {
  readonly type: 'worker';
  readonly name: string;
  readonly actor: ActorClass | string;
  readonly props?: unknown;
  /** Default `permanent`, as in OTP child specs. */
  readonly restart?: RestartType;
  readonly mailbox?: MailboxOptions;
}

/** An inner node of a supervision tree: a supervisor actor applying `strategy` to `children`, started in order. */
export interface SupervisorSpec {
  readonly type: 'supervisor';
  readonly name: string;
  readonly strategy: SupervisorStrategy;
  readonly children: readonly ChildSpec[];
  readonly restart?: RestartType;
}

export type ChildSpec = WorkerSpec | SupervisorSpec;

/** Thrown by {@link validateSpec} with every problem found, each naming where it is. */
export class InvalidTreeSpecError extends RangeError {
  constructor(readonly problems: readonly string[]) {
    super(`invalid supervision tree spec:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidTreeSpecError';
  }
}

/**
 * @example
 * const tree = supervisor('trading', oneForOne({ maxRestarts: 5, withinMs: 30_000 }), [
 *   worker('risk', RiskActor, riskProps),
 *   supervisor('portfolios', oneForOne(), [worker('main', PortfolioActor, { id: 'main' })]),
 * ]);
 * system.spawn(SupervisorActor, tree.name, tree);
 */
export function supervisor(name: string, strategy: SupervisorStrategy, children: readonly ChildSpec[], options: { restart?: RestartType } = {}): SupervisorSpec {
  return Object.freeze({ type: 'supervisor', name, strategy, children: Object.freeze([...children]), ...options });
}

export function worker(name: string, actor: ActorClass | string, props?: unknown, options: { restart?: RestartType; mailbox?: MailboxOptions } = {}): WorkerSpec {
  return Object.freeze({ type: 'worker', name, actor, props, ...options });
}

/** Collects every problem in a spec (bad or duplicate names, empty kinds) before anything starts. */
export function specProblems(spec: ChildSpec, where = ''): string[] {
  const here = `${where}/${spec.name}`;
  const problems: string[] = [];
  const nameProblem = segmentProblem(spec.name);
  if (nameProblem !== undefined) problems.push(`${here}: ${nameProblem}`);
  if (spec.type === 'worker') {
    if (typeof spec.actor === 'string' ? spec.actor.length === 0 : typeof spec.actor !== 'function') problems.push(`${here}: actor must be a class or a kind name`);
    return problems;
  }
  const seen = new Set<string>();
  for (const child of spec.children) {
    if (seen.has(child.name)) problems.push(`${here}: two children are named ${JSON.stringify(child.name)}`);
    seen.add(child.name);
    problems.push(...specProblems(child, here));
  }
  return problems;
}

export function validateSpec(spec: ChildSpec): void {
  const problems = specProblems(spec);
  if (problems.length > 0) throw new InvalidTreeSpecError(problems);
}

/**
 * The actor behind a {@link SupervisorSpec}: it spawns its children in order when it starts (and so
 * again after a restart) and applies the spec's strategy to them. It takes no messages of its own.
 */
export class SupervisorActor extends Actor<Message, SupervisorSpec> {
  override started(ctx: ActorContext): void {
    for (const child of this.props.children) spawnSpec(ctx, child);
  }

  receive(message: Message, ctx: ActorContext): void {
    ctx.system.deadLetter(ctx.self, message, ctx.sender, 'unknown', `supervisor ${ctx.path} takes no messages`);
  }

  override supervisorStrategy(): SupervisorStrategy {
    return this.props.strategy;
  }
}

/** Spawns one spec under the actor whose context is `ctx`. */
export function spawnSpec(ctx: Pick<ActorContext, 'spawn' | 'spawnKind'>, spec: ChildSpec): ActorRef {
  if (spec.type === 'supervisor') {
    return ctx.spawn(SupervisorActor, spec.name, spec, { restart: spec.restart ?? 'permanent', supervisor: spec.strategy, kind: 'supervisor' });
  }
  const options: SpawnOptions = { restart: spec.restart ?? 'permanent', ...(spec.mailbox === undefined ? {} : { mailbox: spec.mailbox }) };
  return typeof spec.actor === 'string' ? ctx.spawnKind(spec.actor, spec.name, spec.props, options) : ctx.spawn(spec.actor as ActorClass<Actor<any, any>>, spec.name, spec.props as never, options);
}
