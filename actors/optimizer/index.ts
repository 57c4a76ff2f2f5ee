export { AUTO_BACKEND_ORDER, BACKEND_PREFERENCES, SweepBackend } from './backend.js';
export type { BackendAttempt, BackendPreference, BackendReport, KernelBackend, SweepKernel, SweepKernelSettings } from './backend.js';
export { Book32, Book64, RAW_FIELDS, RAW_WIDTH } from './book.js';
export {
  DEFAULT_MAX_BAR_EVALUATIONS_PER_CHUNK, DEFAULT_MEMORY_BUDGET_BYTES, estimateChunkBytes, MAX_KERNEL_ARRAY_ELEMENTS, planChunks,
} from './chunking.js';
export type { ChunkLimits, ChunkPlan, SweepChunks } from './chunking.js';
export {
  BackendUnavailableError, InvalidGridError, InvalidOptimizeRequestError, KernelFailedError, MemoryBudgetTooSmallError, NoBarsError,
  OPTIMIZER_ERROR_CODES, OptimizerError, SweepCancelledError,
} from './errors.js';
export type { OptimizerErrorCode } from './errors.js';
export { actorBacktestRunner } from './confirm.js';
export { comboParams, DEFAULT_MAX_GRID_COMBOS, expandGrid, MAX_VALUES_PER_PARAM, normalizeGrid, parseGridText } from './grid.js';
export type { ExpandedGrid, Grid, GridInput, RangeSpec } from './grid.js';
export { costConstants, DEFAULT_INITIAL_CASH, DEFAULT_TICK_SIZE, kernelConstants } from './kernels/cost-model.js';
export type { CostConstants, CostSettings } from './kernels/cost-model.js';
export { comboWidth, kernelSource, paramNames, SWEEP_STRATEGIES, sweepStrategy } from './kernels/registry.js';
export { KERNEL_APPROACHES } from './kernels/types.js';
export type { KernelApproach, KernelParts, SweepStrategy } from './kernels/types.js';
export { OPTIMIZER_KIND, OPTIMIZER_PLACEMENT, OptimizerActor, registerOptimizerKind } from './optimizer-actor.js';
export type { OptimizerProps } from './optimizer-actor.js';
export { compareRaw, confirmationReport, confirmationRow, diffFigures, PARITY_MAX_DIVERGENT_FRACTION, PARITY_TOLERANCE, withinTolerance } from './parity.js';
export type { BacktestFigures, BacktestRun, BacktestRunner, ConfirmationReport, ConfirmationRow, GridParity, ParityDiff, ParityTolerance } from './parity.js';
export { OPTIMIZER_MESSAGE_TYPES } from './protocol.js';
export type {
  OptimizerCancel, OptimizerCancelled, OptimizerFailed, OptimizerProgress, OptimizerProtocol, OptimizerReply, OptimizerResult, OptimizerRun,
} from './protocol.js';
export { metricsAt, objectiveOf, rankResults } from './ranking.js';
export type { RankedResult, SweepMetrics } from './ranking.js';
export { float32Reference } from './reference-f32.js';
export { referenceSweep } from './reference.js';
export type { ReferenceInput } from './reference.js';
export {
  DEFAULT_APPROACH, DEFAULT_CONFIRM_TOP_N, DEFAULT_OBJECTIVE, DEFAULT_TOP_N, defaultPeriodsPerYear, MAX_TOP_N, OBJECTIVES, resolveRequest,
} from './request.js';
export type { Objective, OptimizeRequest, ResolvedRequest } from './request.js';
export { barColumns, computeSeries, SeriesCache, seriesKey } from './series.js';
export type { BarColumns, SeriesFamily, SeriesKey } from './series.js';
export { prepareSweep, runSweep, SweepRun } from './sweep.js';
export type { RunSweepOptions, SweepOutcome, SweepProgress, SweepSetup } from './sweep.js';
