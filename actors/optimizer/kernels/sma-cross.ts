import { SmaCross } from '../../strategy/builtins/sma-cross.js';
import { seriesKey } from '../series.js';
import { enterLong } from './cost-model.js';
import type { SweepStrategy } from './types.js';

/** The SmaCross signal on the close of bar t from the averages now (`fa`, `sl`) and on the previous close. */
const SIGNAL = `
    if (t >= start) {
      if (qty === 0 && fa > sl && prevF <= prevS) { ${enterLong('pnotional')} }
      else if (qty > 0 && fa < sl && prevF >= prevS) { pending = -1; }
    }
    prevF = fa; prevS = sl;`;

/**
 * RollingSum in the kernel: add the new close, drop the one `period` bars back once full, and re-add the
 * window from scratch each time the ring wraps, exactly when and in the order the class does.
 */
function rollingMean(name: string, period: string, loopVar: string): string {
  return `
    if (${name}Count === ${period}) { ${name}Sum = ${name}Sum + (close[t] - close[t - ${period}]); }
    else { ${name}Sum = ${name}Sum + close[t]; ${name}Count = ${name}Count + 1; }
    ${name}Head = ${name}Head + 1;
    if (${name}Head === ${period}) {
      ${name}Head = 0;
      let ${name}Fresh = 0;
      for (let ${loopVar} = 0; ${loopVar} < ${period}; ${loopVar}++) { ${name}Fresh = ${name}Fresh + close[t - ${period} + 1 + ${loopVar}]; }
      ${name}Sum = ${name}Fresh;
    }`;
}

/**
 * Moving-average crossover (SmaCross): buy floor(notional / close) on a golden cross when flat, sell the
 * position on a death cross. Signals need both averages at t and t−1, so they start at bar max(fast, slow).
 */
export const SMA_CROSS_SWEEP: SweepStrategy = {
  kind: SmaCross.kind,
  params: SmaCross.params,
  seriesSlots: 2,
  series: (p) => [seriesKey('sma', p['fast']!), seriesKey('sma', p['slow']!)],
  kernel: {
    indexed: {
      init: 'const start = Math.max(pfast, pslow); let prevF = 0; let prevS = 0;',
      step: `
    const fa = series[row0 + t]; const sl = series[row1 + t];${SIGNAL}`,
    },
    inline: {
      init: `const start = Math.max(pfast, pslow); let prevF = 0; let prevS = 0;
  let fastSum = 0; let fastCount = 0; let fastHead = 0; let slowSum = 0; let slowCount = 0; let slowHead = 0;`,
      step: `${rollingMean('fast', 'pfast', 'i')}${rollingMean('slow', 'pslow', 'j')}
    const fa = fastSum / pfast; const sl = slowSum / pslow;${SIGNAL}`,
    },
  },
};
