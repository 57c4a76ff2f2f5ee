import type { ActorCell } from './cell.js';
import { EscalatedFailureError, RestartIntensityExceededError } from './errors.js';
import { errorInfo } from './events.js';
import type { SupervisorDirective } from './events.js';
import { backoffDelay } from '../supervision/backoff.js';
import { RestartIntensity } from '../supervision/intensity.js';
import type { SupervisorStrategy } from '../supervision/strategy.js';

/**
 * The supervising side of a cell: applies its strategy to failed children, counts restart intensity,
 * schedules restarts with backoff, and escalates. The policy objects come from supervision/.
 */
export class Supervision {
  #strategy: SupervisorStrategy | undefined;
  #intensity: RestartIntensity | undefined;
  /** Children left suspended because their failure was escalated through this cell. */
  #escalated = new Set<ActorCell>();

  constructor(private readonly cell: ActorCell) {}

  get strategy(): SupervisorStrategy {
    if (this.#strategy === undefined) {
      const cell = this.cell;
      this.#strategy =
        cell.options.supervisor ??
        (cell.parentCell === undefined ? cell.system.guardianStrategy : undefined) ??
        cell.instance?.supervisorStrategy() ??
        cell.system.defaultStrategy;
    }
    return this.#strategy;
  }

  get intensity(): RestartIntensity {
    const s = this.strategy;
    return (this.#intensity ??= new RestartIntensity(s.maxRestarts, s.withinMs));
  }

  /** A fresh instance starts with fresh strategy and intensity. */
  reset(): void {
    this.#strategy = undefined;
    this.#intensity = undefined;
    this.#escalated.clear();
  }

  childFailed(child: ActorCell, error: unknown): void {
    const strategy = this.strategy;
    let directive: SupervisorDirective;
    let reason = 'decider';
    try {
      directive = strategy.decide(error);
    } catch (deciderError) {
      directive = 'escalate';
      reason = `decider threw ${errorInfo(deciderError).message}`;
    }
    if (directive === 'restart' && child.restartType === 'temporary') {
      directive = 'stop';
      reason = 'temporary child is never restarted';
    }
    this.#apply(child, error, directive, reason);
  }

  /** A child stopped itself normally: a permanent one is restarted in place, as in OTP. */
  childExited(child: ActorCell): void {
    if (child.restartType !== 'permanent' || !this.cell.running) return;
    this.#apply(child, undefined, 'restart', 'permanent child exited normally');
  }

  resumeEscalated(): void {
    for (const child of this.#escalated) child.resume();
    this.#escalated.clear();
  }

  #apply(child: ActorCell, error: unknown, directive: SupervisorDirective, reason: string): void {
    const cell = this.cell;
    const strategy = this.strategy;
    const system = cell.system;
    const now = system.clock.now();
    let cause = error;
    if (directive === 'restart' && this.intensity.record(now)) {
      system.events.publish({ type: 'supervisor.intensityExceeded', at: now, supervisor: cell.path, maxRestarts: strategy.maxRestarts, withinMs: strategy.withinMs });
      cause = new RestartIntensityExceededError(cell.path, strategy.maxRestarts, strategy.withinMs, error);
      directive = 'escalate';
      reason = 'restart intensity exceeded';
    }
    const affected = directive === 'restart' || directive === 'stop' ? this.#affected(child) : [child];
    const exited = child.stopped;
    let delayMs = 0;
    if (directive === 'restart') {
      for (const c of affected) {
        const attempt = c.recordRestartAttempt(now, strategy.withinMs);
        const d = backoffDelay(attempt, strategy.backoff, system.random);
        if (c === child) delayMs = d;
        if (c === child && exited) system.respawn(cell, c, d);
        else c.scheduleRestart(cause, d);
      }
    }
    system.events.publish({
      type: 'supervisor.directive',
      at: now,
      supervisor: cell.path,
      child: child.path,
      strategy: strategy.kind,
      directive,
      affected: affected.map((c) => c.path),
      delayMs,
      reason,
    });
    switch (directive) {
      case 'resume':
        child.resume();
        break;
      case 'restart':
        break;
      case 'stop':
        for (const c of affected) void c.stopCell('supervisor');
        break;
      case 'escalate':
        if (cell.parentCell === undefined) {
          // Nothing above the guardian: stop the top-level actor, keep the system running.
          system.events.publish({ type: 'supervisor.escalatedToRoot', at: now, child: child.path, error: errorInfo(cause) });
          void child.stopCell('supervisor');
        } else {
          this.#escalated.add(child);
          cell.fail(cause instanceof RestartIntensityExceededError ? cause : new EscalatedFailureError(child.path, cause), 'receive');
        }
        break;
    }
  }

  #affected(child: ActorCell): ActorCell[] {
    const siblings = [...this.cell.childCells.values()];
    switch (this.strategy.kind) {
      case 'one-for-one':
        return [child];
      case 'all-for-one':
        return siblings.includes(child) ? siblings : [child, ...siblings];
      case 'rest-for-one': {
        const i = siblings.indexOf(child);
        return i < 0 ? [child] : siblings.slice(i);
      }
    }
  }
}
