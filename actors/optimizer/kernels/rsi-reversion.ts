import { RsiReversion } from '../../strategy/builtins/rsi-reversion.js';
import { seriesKey } from '../series.js';
import { enterLong } from './cost-model.js';
import type { SweepStrategy } from './types.js';

const SIGNAL = `
      if (qty === 0 && rsi < poversold) { ${enterLong('pnotional')} }
      else if (qty > 0 && rsi > poverbought) { pending = -1; }`;

/**
 * RSI mean reversion (RsiReversion): buy floor(notional / close) when RSI < oversold and flat, sell the
 * position when RSI > overbought. RSI (Wilder) is defined from bar `period` on.
 */
export const RSI_REVERSION_SWEEP: SweepStrategy = {
  kind: RsiReversion.kind,
  params: RsiReversion.params,
  seriesSlots: 1,
  series: (p) => [seriesKey('rsi', p['period']!)],
  kernel: {
    indexed: {
      init: '',
      step: `
    if (t >= pperiod) {
      const rsi = series[row0 + t];${SIGNAL}
    }`,
    },
    inline: {
      // WilderAverage of gains and losses: seeded with the mean of the first `period` changes, then smoothed.
      init: 'let prevClose = 0; let gainSeed = 0; let lossSeed = 0; let gainAvg = 0; let lossAvg = 0; let seeded = 0;',
      step: `
    if (t > 0) {
      const change = close[t] - prevClose;
      const gain = Math.max(change, 0);
      const loss = Math.max(0 - change, 0);
      if (seeded < pperiod) {
        gainSeed = gainSeed + gain; lossSeed = lossSeed + loss; seeded = seeded + 1;
        if (seeded === pperiod) { gainAvg = gainSeed / pperiod; lossAvg = lossSeed / pperiod; }
      } else {
        gainAvg = (gainAvg * (pperiod - 1) + gain) / pperiod;
        lossAvg = (lossAvg * (pperiod - 1) + loss) / pperiod;
      }
      if (seeded === pperiod) {
        let rsi = 50;
        if (lossAvg === 0) { if (gainAvg !== 0) { rsi = 100; } } else { rsi = 100 - 100 / (1 + gainAvg / lossAvg); }${SIGNAL}
      }
    }
    prevClose = close[t];`,
    },
  },
};
