export { backoffDelay } from './backoff.js';
export { RestartIntensity } from './intensity.js';
export { InvalidTreeSpecError, SupervisorActor, spawnSpec, specProblems, supervisor, validateSpec, worker } from './spec.js';
export type { ChildSpec, SupervisorSpec, WorkerSpec } from './spec.js';
export { allForOne, alwaysRestart, DEFAULT_BACKOFF, DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_WINDOW_MS, oneForOne, restForOne } from './strategy.js';
export type { BackoffOptions, Decider, RestartType, StrategyKind, StrategyOptions, SupervisorStrategy } from './strategy.js';
