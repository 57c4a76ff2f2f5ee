import { serviceKey } from '../../runtime/services.js';
import type { Bar, Interval } from '../domain/bar.js';
import type { BarStore } from '../../persistence/bar-store.js';

/** Where OHLCV history is kept; the node provides it (SQLite embedded, PostgreSQL in the cluster). */
export const BAR_STORE = serviceKey<BarStore>('market.barStore');

/** A source of history, e.g. YahooHistory. Absent offline. */
export interface HistorySource {
  fetchBars(symbol: string, interval: Interval, from: number, to: number): Promise<Bar[]>;
}
export const HISTORY_SOURCE = serviceKey<HistorySource>('market.history');
