import type { KvEntry } from 'nats';
import { CorruptClusterRecordError } from './errors.js';
import { decodeJson } from './node-record.js';

/** The value of the leader lease key. */
export interface LeaseValue {
  readonly node: string;
  /** The holder's incarnation, so a restarted node does not mistake its previous life's lease for its own. */
  readonly incarnation: string;
  /** Incremented on every change of holder. */
  readonly term: number;
  /** The holder's clock at the last renewal (informational). */
  readonly renewedAt: number;
}

/** Decodes and checks a lease entry, throwing {@link CorruptClusterRecordError}. */
export function asLeaseValue(entry: KvEntry): LeaseValue {
  const v = decodeJson(entry.bucket, entry.key, entry.value) as Partial<LeaseValue> | null;
  if (typeof v !== 'object' || v === null || typeof v.node !== 'string' || typeof v.incarnation !== 'string' || typeof v.term !== 'number') {
    throw new CorruptClusterRecordError(entry.bucket, entry.key, 'not a lease value');
  }
  return { node: v.node, incarnation: v.incarnation, term: v.term, renewedAt: typeof v.renewedAt === 'number' ? v.renewedAt : 0 };
}
