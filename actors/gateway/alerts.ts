import type { StreamEvent } from '../../runtime/event-stream.js';
import type { BrokerNotice, BrokerSecurityEvent } from '../broker/protocol.js';
import type { RiskOperatorCommandRefused, RiskOrderDenied, RiskTradingStateChanged } from '../risk/protocol.js';
import type { AlertRow } from './protocol.js';

/** Event-stream types the gateway turns into alerts for the Risk page and the dashboard. */
export const ALERT_EVENT_TYPES = [
  'risk.orderDenied',
  'risk.tradingStateChanged',
  'risk.operatorCommandRefused',
  'broker.securityEvent',
  'broker.venueUnavailable',
  'broker.cancelFailed',
  'broker.fillReplayGap',
  'supervisor.failed',
  'supervisor.escalatedToRoot',
  'market.inputRejected',
  'cluster.nodeUp',
  'cluster.nodeDown',
] as const;

type Alert = Omit<AlertRow, 'seq'>;

interface ErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
}

function timeOf(event: Record<string, unknown>, now: number): number {
  const t = typeof event['time'] === 'number' ? event['time'] : typeof event['at'] === 'number' ? event['at'] : now;
  return Number.isSafeInteger(t) && t >= 0 ? t : now;
}

/**
 * The alert an event stands for, or undefined when it is not one. Messages carry what the events carry
 * (codes, paths, reasons), never credentials: the events themselves hold none.
 */
export function alertOf(event: StreamEvent, now: number): Alert | undefined {
  const e = event as StreamEvent & Record<string, unknown>;
  const time = timeOf(e, now);
  switch (event.type) {
    case 'risk.orderDenied': {
      const d = event as RiskOrderDenied;
      const o = d.order ?? {};
      return { level: 'warn', source: 'risk', code: d.denial.code, message: `${o.strategyId ?? '?'} ${o.side ?? ''} ${o.quantity ?? ''} ${o.symbol ?? ''}: ${d.denial.message}`, time };
    }
    case 'risk.tradingStateChanged': {
      const c = event as RiskTradingStateChanged;
      return { level: c.to === 'HALTED' ? 'error' : c.to === 'REDUCING' ? 'warn' : 'info', source: 'risk', code: `TRADING_${c.to}`, message: `${c.from} → ${c.to} (${c.trigger}${c.by === undefined ? '' : ` by ${c.by}`}): ${c.reason}`, time };
    }
    case 'risk.operatorCommandRefused': {
      const r = event as RiskOperatorCommandRefused;
      return { level: 'warn', source: 'risk', code: r.refusal, message: r.message, time };
    }
    case 'broker.securityEvent': {
      const s = event as BrokerSecurityEvent;
      return { level: 'error', source: 'broker', code: s.reason, message: s.message, time };
    }
    case 'broker.venueUnavailable':
    case 'broker.cancelFailed':
    case 'broker.fillReplayGap': {
      const n = event as BrokerNotice;
      const code = n.type.slice('broker.'.length).replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
      const detail = 'clientOrderId' in n && n.clientOrderId !== undefined ? ` ${n.clientOrderId}` : '';
      const extra = n.type === 'broker.fillReplayGap' ? `: ${n.missing} fills missing for ${n.portfolioId}` : 'error' in n && n.error !== undefined ? `: ${n.error}` : '';
      return { level: n.type === 'broker.cancelFailed' ? 'warn' : 'error', source: 'broker', code, message: `${n.brokerId}${detail}${extra}`, time };
    }
    case 'supervisor.failed':
    case 'supervisor.escalatedToRoot': {
      const err = (e['error'] ?? {}) as ErrorLike;
      return { level: event.type === 'supervisor.failed' ? 'warn' : 'error', source: 'supervisor', code: err.code ?? err.name ?? 'FAILED', message: `${String(e['child'] ?? '?')}: ${err.message ?? 'failed'}`, time };
    }
    case 'market.inputRejected':
      return { level: 'warn', source: 'market', code: 'INPUT_REJECTED', message: `${String(e['symbol'])} ${String(e['kind'])}: ${Array.isArray(e['problems']) ? e['problems'].join('; ') : ''}`, time };
    case 'cluster.nodeUp':
      return { level: 'info', source: 'cluster', code: 'NODE_UP', message: `node ${String(e['node'])} is up`, time };
    case 'cluster.nodeDown':
      return { level: 'error', source: 'cluster', code: 'NODE_DOWN', message: `node ${String(e['node'])} is down (${String(e['reason'])})`, time };
    default:
      return undefined;
  }
}
