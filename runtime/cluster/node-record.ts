import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { CorruptClusterRecordError } from './errors.js';

/** This Bifrost's version, from package.json; written into node records. */
export const BIFROST_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
})();

/**
 * What a node says about itself in the membership bucket, rewritten on every heartbeat.
 * `incarnation` is new each time the node process starts, so a fast restart is still seen as one.
 */
export interface NodeRecord {
  readonly name: string;
  readonly incarnation: string;
  readonly host: string;
  readonly pid: number;
  readonly roles: readonly string[];
  readonly leaderEligible: boolean;
  readonly startedAt: number;
  readonly version: string;
  /** The writer's clock when it wrote this record (informational: liveness uses the reader's clock). */
  readonly heartbeatAt: number;
  /** Live actors on the node. */
  readonly actors: number;
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number };
}

/** The record of a node starting now. */
export function initialRecord(name: string, roles: readonly string[], leaderEligible: boolean, now: number): NodeRecord {
  return {
    name,
    incarnation: `${now.toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    host: hostname(),
    pid: process.pid,
    roles: [...roles],
    leaderEligible,
    startedAt: now,
    version: BIFROST_VERSION,
    heartbeatAt: now,
    actors: 0,
    memory: { rssBytes: 0, heapUsedBytes: 0 },
  };
}

/** `record` with this heartbeat's time, actor count and memory. */
export function refreshRecord(record: NodeRecord, now: number, actors: number): NodeRecord {
  const m = process.memoryUsage();
  return { ...record, heartbeatAt: now, actors, memory: { rssBytes: m.rss, heapUsedBytes: m.heapUsed } };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON, so operators can read records with `nats kv get`. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Parses a KV value as JSON, throwing {@link CorruptClusterRecordError}. */
export function decodeJson(bucket: string, key: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new CorruptClusterRecordError(bucket, key, `not JSON (${(error as Error).message})`);
  }
}

/** Checks the shape of a decoded node record, throwing {@link CorruptClusterRecordError}. */
export function asNodeRecord(bucket: string, key: string, value: unknown): NodeRecord {
  const r = value as Partial<NodeRecord> | null;
  const problems: string[] = [];
  if (typeof r !== 'object' || r === null) throw new CorruptClusterRecordError(bucket, key, 'not an object');
  if (typeof r.name !== 'string') problems.push('name');
  if (typeof r.incarnation !== 'string') problems.push('incarnation');
  if (!Array.isArray(r.roles) || !r.roles.every((x) => typeof x === 'string')) problems.push('roles');
  if (typeof r.startedAt !== 'number') problems.push('startedAt');
  if (typeof r.heartbeatAt !== 'number') problems.push('heartbeatAt');
  if (problems.length > 0) throw new CorruptClusterRecordError(bucket, key, `bad fields: ${problems.join(', ')}`);
  return { leaderEligible: true, host: '', pid: 0, version: 'unknown', actors: 0, memory: { rssBytes: 0, heapUsedBytes: 0 }, ...r } as NodeRecord;
}
