import { BollingerAtr } from '../../strategy/builtins/bollinger-atr.js';
import { seriesKey } from '../series.js';
import { enterLong } from './cost-model.js';
import type { SweepStrategy } from './types.js';

const SIGNAL = `
      if (qty === 0 && x < lower) { ${enterLong('pnotional', 'stop = x - patrMultiple * atr;')} }
      else if (qty > 0 && (x > mid || x < stop)) { pending = -1; }`;

/** RollingStats (add/replace Welford, exact two-pass re-sync when the ring wraps) and Wilder's ATR, in the kernel. */
const INLINE_STEP = `
    const x = close[t];
    if (bandCount === pperiod) {
      const old = close[t - pperiod];
      const prevAvg = bandAvg;
      bandAvg = prevAvg + (x - old) / pperiod;
      bandM2 = bandM2 + (x - old) * (x - bandAvg + old - prevAvg);
    } else {
      bandCount = bandCount + 1;
      const dx = x - bandAvg;
      bandAvg = bandAvg + dx / bandCount;
      bandM2 = bandM2 + dx * (x - bandAvg);
    }
    bandHead = bandHead + 1;
    if (bandHead === pperiod) {
      bandHead = 0;
      let fresh = 0;
      for (let i = 0; i < pperiod; i++) { fresh = fresh + close[t - pperiod + 1 + i]; }
      const freshMean = fresh / pperiod;
      let freshM2 = 0;
      for (let j = 0; j < pperiod; j++) { const dev = close[t - pperiod + 1 + j] - freshMean; freshM2 = freshM2 + dev * dev; }
      bandAvg = freshMean; bandM2 = freshM2;
    }
    let tr = high[t] - low[t];
    if (t > 0) { tr = Math.max(high[t], prevC) - Math.min(low[t], prevC); }
    prevC = x;
    if (atrCount < patrPeriod) {
      atrSeed = atrSeed + tr; atrCount = atrCount + 1;
      if (atrCount === patrPeriod) { atrAvg = atrSeed / patrPeriod; }
    } else {
      atrAvg = (atrAvg * (patrPeriod - 1) + tr) / patrPeriod;
    }
    if (bandCount === pperiod && atrCount === patrPeriod) {
      const mid = bandAvg;
      const lower = mid - pk * Math.sqrt(Math.max(0, bandM2) / pperiod);
      const atr = atrAvg;${SIGNAL}
    }`;

/**
 * Bollinger reversion with an ATR stop (BollingerAtr): buy floor(notional / close) below the lower band when
 * flat and set the stop at close − atrMultiple × ATR; sell at a close above the middle band or below the
 * stop. Signals start when both the bands (bar period−1) and ATR (bar atrPeriod−1) are defined.
 */
export const BOLLINGER_ATR_SWEEP: SweepStrategy = {
  kind: BollingerAtr.kind,
  params: BollingerAtr.params,
  seriesSlots: 3,
  series: (p) => [seriesKey('bbMiddle', p['period']!), seriesKey('bbStd', p['period']!), seriesKey('atr', p['atrPeriod']!)],
  kernel: {
    indexed: {
      init: 'const start = Math.max(pperiod, patrPeriod) - 1; let stop = 0;',
      step: `
    if (t >= start) {
      const x = close[t];
      const mid = series[row0 + t];
      const lower = mid - pk * series[row1 + t];
      const atr = series[row2 + t];${SIGNAL}
    }`,
    },
    inline: {
      init: `let stop = 0; let bandCount = 0; let bandHead = 0; let bandAvg = 0; let bandM2 = 0;
  let atrCount = 0; let atrSeed = 0; let atrAvg = 0; let prevC = 0;`,
      step: INLINE_STEP,
    },
  },
};
