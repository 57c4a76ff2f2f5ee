import type { ActorRef } from '../../runtime/ref.js';
import type { BrokerProtocol } from '../broker/protocol.js';
import type { MarketDataProtocol } from '../market/protocol.js';
import type { BackendPreference } from '../optimizer/backend.js';
import type { OptimizerProtocol } from '../optimizer/protocol.js';
import type { PortfolioProtocol } from '../portfolio/protocol.js';
import type { RiskProtocol } from '../risk/protocol.js';
import type { StrategyProtocol } from '../strategy/protocol.js';
import { GatewayConfigError } from './errors.js';
import { DEFAULT_HIGH_WATER_BYTES, DEFAULT_MAX_BUFFERED_BYTES } from './outbox.js';

/** Least time between two `portfolio` events to one client (the books change with every mark). */
export const DEFAULT_PORTFOLIO_INTERVAL_MS = 250;
/** How often a session re-reads the risk status and the strategies' statuses for its client. */
export const DEFAULT_STATUS_REFRESH_MS = 1_000;
/** How soon a session retries sending what it held back for a slow client. */
export const DEFAULT_FLUSH_MS = 50;
/** Timeout of a session's asks to the node's actors. */
export const DEFAULT_ASK_TIMEOUT_MS = 5_000;
/** Bars in a chart snapshot unless the client asks for another number. */
export const DEFAULT_SNAPSHOT_BARS = 300;

/** How a session paces what it sends. Every field has a default; tests shrink them. */
export interface SessionTuning {
  /** Default 256 KiB. */
  readonly highWaterBytes: number;
  /** Default 8 MiB. */
  readonly maxBufferedBytes: number;
  /** Default {@link DEFAULT_FLUSH_MS}. */
  readonly flushMs: number;
  /** Default {@link DEFAULT_PORTFOLIO_INTERVAL_MS}. */
  readonly portfolioIntervalMs: number;
  /** Default {@link DEFAULT_STATUS_REFRESH_MS}. */
  readonly statusRefreshMs: number;
  /** Default {@link DEFAULT_ASK_TIMEOUT_MS}. */
  readonly askTimeoutMs: number;
}

/** Every tuning default in one place. */
export const DEFAULT_SESSION_TUNING: SessionTuning = Object.freeze({
  highWaterBytes: DEFAULT_HIGH_WATER_BYTES,
  maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
  flushMs: DEFAULT_FLUSH_MS,
  portfolioIntervalMs: DEFAULT_PORTFOLIO_INTERVAL_MS,
  statusRefreshMs: DEFAULT_STATUS_REFRESH_MS,
  askTimeoutMs: DEFAULT_ASK_TIMEOUT_MS,
});

/** Tuning over the defaults; every field must be a positive number (GatewayConfigError lists each bad one). */
export function sessionTuning(partial: Partial<SessionTuning> = {}): SessionTuning {
  const problems: string[] = [];
  for (const [k, v] of Object.entries(partial)) {
    if (!(k in DEFAULT_SESSION_TUNING)) problems.push(`session.${k}: unknown field (known: ${Object.keys(DEFAULT_SESSION_TUNING).join(', ')})`);
    else if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) problems.push(`session.${k}: must be a positive number, got ${JSON.stringify(v)}`);
  }
  const tuning = { ...DEFAULT_SESSION_TUNING, ...partial };
  if (tuning.highWaterBytes > tuning.maxBufferedBytes) problems.push(`session.highWaterBytes (${tuning.highWaterBytes}) must not exceed session.maxBufferedBytes (${tuning.maxBufferedBytes})`);
  if (problems.length > 0) throw new GatewayConfigError(problems);
  return Object.freeze(tuning);
}

/** The actors a session talks to (plain refs, so the props are plain data). */
export interface GatewayTargets {
  readonly marketData: ActorRef<MarketDataProtocol>;
  readonly risk: ActorRef<RiskProtocol>;
  readonly broker: ActorRef<BrokerProtocol>;
  readonly portfolio: ActorRef<PortfolioProtocol>;
  readonly optimizer: ActorRef<OptimizerProtocol>;
  readonly strategies: Readonly<Record<string, ActorRef<StrategyProtocol>>>;
}

/** A strategy running on the node, as the dashboard lists it. */
export interface StrategyListing {
  readonly id: string;
  readonly kind: string;
  readonly symbols: readonly string[];
}

/** What a node's sessions serve: its portfolio, universe, feed, actors and strategies. */
export interface GatewayScope {
  readonly portfolioId: string;
  readonly symbols: readonly string[];
  /** `synthetic` makes every page say SYNTHETIC DATA. */
  readonly feed: string;
  readonly targets: GatewayTargets;
  readonly strategies: readonly StrategyListing[];
  /** Roles shown for this node on the dashboard. */
  readonly roles: readonly string[];
  /** The backend preference of UI sweeps (`auto` picks the best the node has). */
  readonly sweepBackend: BackendPreference;
  readonly tuning: SessionTuning;
}
