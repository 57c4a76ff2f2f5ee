import type { ClusterNode, PlaceRequest, PlacementRules } from '../../runtime/cluster/index.js';
import { PlacementConflictError } from '../../runtime/cluster/index.js';

/** How long a node waits for a node with a unit's first-choice role before placing the unit anyway. */
export const DEFAULT_PLACE_GRACE_MS = 15_000;
const POLL_MS = 250;

/** What {@link placeUnits} reports. */
export interface PlaceUnitsHooks {
  /** A unit was placed (or was already in the table with the same props). */
  placed?(unit: PlaceRequest): void;
  /** The table holds the unit with other props; the placed one is kept. */
  conflict?(unit: PlaceRequest): void;
  /** Placing failed for another reason (retried on the next poll). */
  error?(unit: PlaceRequest, error: unknown): void;
}

/**
 * Places `units` from this node, each once a live node offers its first-choice role, or once `graceMs`
 * has passed since the call: a cluster whose nodes start one after another does not put the desk on
 * its fallback host only because the trading node came up a few seconds later (placement never moves
 * an actor back). Placing is idempotent, so every node may run this. Resolves when every unit is placed
 * or the node stops; `cancel()` stops it early.
 */
export function placeUnits(cluster: ClusterNode, units: readonly PlaceRequest[], rules: PlacementRules, hooks: PlaceUnitsHooks = {}, graceMs = DEFAULT_PLACE_GRACE_MS): { done: Promise<void>; cancel(): void } {
  let cancelled = false;
  const startedAt = Date.now();
  const left = new Set(units);
  const done = (async () => {
    while (left.size > 0 && !cancelled) {
      const members = cluster.membership.members();
      const late = Date.now() - startedAt >= graceMs;
      for (const unit of [...left]) {
        const first = rules[unit.kind]?.[0];
        const preferredUp = first === undefined ? members.some((m) => m.roles.length > 0) : members.some((m) => m.roles.includes(first));
        if (!preferredUp && !late && cluster.table.get(unit.kind, unit.name) === undefined) continue;
        try {
          await cluster.place(unit);
          left.delete(unit);
          hooks.placed?.(unit);
        } catch (error) {
          if (error instanceof PlacementConflictError) {
            left.delete(unit);
            hooks.conflict?.(unit);
          } else {
            hooks.error?.(unit, error);
          }
        }
        if (cancelled) return;
      }
      if (left.size > 0) await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return { done, cancel: () => void (cancelled = true) };
}
