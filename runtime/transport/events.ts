import type { ErrorInfo } from '../events.js';

/**
 * What the NATS transport publishes on its system's event stream. `server` is the server URL the
 * connection lost or regained; no event carries credentials.
 */
export type TransportEvent =
  | { readonly type: 'transport.disconnected'; readonly at: number; readonly node: string; readonly server: string }
  | { readonly type: 'transport.reconnected'; readonly at: number; readonly node: string; readonly server: string }
  | { readonly type: 'transport.error'; readonly at: number; readonly node: string; readonly error: ErrorInfo }
  | { readonly type: 'transport.closed'; readonly at: number; readonly node: string };
