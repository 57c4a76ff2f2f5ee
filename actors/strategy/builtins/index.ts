export { BollingerAtr } from './bollinger-atr.js';
export { RsiReversion } from './rsi-reversion.js';
export { sharesFor } from './sizing.js';
export { SmaCross } from './sma-cross.js';
