import type { ActorClass } from './actor.js';
import { UnknownActorKindError } from './errors.js';
import { segmentProblem } from './path.js';

/**
 * Actor kinds by name, so a node can spawn an actor from a name in config, a placement table or a
 * remote request. Kind names follow the path-segment grammar (`risk`, `strategy.sma-cross`).
 */
export class ActorKinds {
  #byName = new Map<string, ActorClass>();
  #byClass = new Map<ActorClass, string>();

  register(kind: string, actorClass: ActorClass): this {
    const problem = segmentProblem(kind);
    if (problem !== undefined) throw new RangeError(`invalid actor kind name ${JSON.stringify(kind)}: ${problem}`);
    const existing = this.#byName.get(kind);
    if (existing !== undefined && existing !== actorClass) {
      throw new RangeError(`actor kind ${JSON.stringify(kind)} is already registered to ${existing.name}`);
    }
    this.#byName.set(kind, actorClass);
    this.#byClass.set(actorClass, kind);
    return this;
  }

  /** The class for a kind; throws UnknownActorKindError listing the known kinds. */
  get(kind: string): ActorClass {
    const actorClass = this.#byName.get(kind);
    if (actorClass === undefined) throw new UnknownActorKindError(kind, this.list());
    return actorClass;
  }

  has(kind: string): boolean {
    return this.#byName.has(kind);
  }

  kindOf(actorClass: ActorClass): string | undefined {
    return this.#byClass.get(actorClass);
  }

  list(): string[] {
    return [...this.#byName.keys()].sort();
  }
}
