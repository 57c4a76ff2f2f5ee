import { Packr } from 'msgpackr';
import type { Envelope, EnvelopeAddress } from './envelope.js';
import {
  InvalidMessageError,
  MalformedMessageError,
  PayloadTooLargeError,
  UnencodableValueError,
  UnknownMessageTypeError,
  UnsupportedVersionError,
} from './errors.js';
import { MessageRegistry } from './message-registry.js';
import type { MessageSpec } from './message-registry.js';
import { protectNegativeZero } from './negative-zero.js';
import { packPlain } from './plain-pack.js';

/** Largest frame or value the codec encodes or decodes unless configured otherwise (1 MiB). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1_048_576;

/** First element of every envelope frame; a byte below 0x40 so msgpackr never reads it as a record id. */
export const WIRE_MAGIC = 0x3b;

/** Layout version of the positional envelope frame; bump it when the field list changes. */
export const WIRE_VERSION = 1;

// Positions in the frame array: [magic, wire, type, version, id, correlationId, senderNode,
// senderPath, recipientNode, recipientPath, traceId, deadline, body]; absent fields are nil.
const FRAME_LENGTH = 13;

/** Options for {@link Codec}. */
export interface CodecOptions {
  /** The message types `encodeEnvelope`/`decodeEnvelope` accept. Default: an empty registry. */
  readonly registry?: MessageRegistry;
  /** Limit for an encoded frame or value, in bytes. Default {@link DEFAULT_MAX_PAYLOAD_BYTES}. */
  readonly maxPayloadBytes?: number;
}

/**
 * The wire codec: envelopes for the transport and plain values for the journal, as MessagePack.
 *
 * An envelope is packed as a positional array (no field names on the wire) led by a magic number
 * and a wire-format version. Decoding throws only the typed errors from `./errors.js`; every
 * failure inside msgpackr is wrapped. Numbers round-trip as float64 exactly, -0 included.
 *
 * @example
 * const registry = new MessageRegistry().register('demo.ping', { version: 1 });
 * const codec = new Codec({ registry });
 * const bytes = codec.encodeEnvelope({ type: 'demo.ping', version: 1, id: 'm1', body: { n: 1 } });
 * codec.decodeEnvelope(bytes).body; // { n: 1 }
 */
export class Codec {
  readonly registry: MessageRegistry;
  readonly maxPayloadBytes: number;
  // mapsAsObjects: maps decode to plain objects (the default Unpackr would give Map); no records,
  // so frames are self-describing; copyBuffers so decoded binary never aliases a reused input buffer.
  readonly #packr = new Packr({ mapsAsObjects: true, useRecords: false, copyBuffers: true });

  constructor(options: CodecOptions = {}) {
    this.registry = options.registry ?? new MessageRegistry();
    this.maxPayloadBytes = options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    if (!Number.isSafeInteger(this.maxPayloadBytes) || this.maxPayloadBytes <= 0) {
      throw new RangeError(`maxPayloadBytes must be a positive integer, was ${options.maxPayloadBytes}`);
    }
  }

  /**
   * Encodes a registered message. Throws {@link UnknownMessageTypeError}, {@link UnsupportedVersionError},
   * {@link InvalidMessageError} (body or header fields), {@link UnencodableValueError} or
   * {@link PayloadTooLargeError}.
   */
  encodeEnvelope(env: Envelope): Uint8Array {
    const headerProblems = envelopeHeaderProblems(env);
    if (headerProblems.length > 0) throw new InvalidMessageError(describeType(env?.type), headerProblems);
    this.#checkAgainstRegistry(env.type, env.version, env.body);
    const frame = [
      WIRE_MAGIC,
      WIRE_VERSION,
      env.type,
      env.version,
      env.id,
      env.correlationId ?? null,
      env.sender?.node ?? null,
      env.sender?.path ?? null,
      env.recipient?.node ?? null,
      env.recipient?.path ?? null,
      env.traceId ?? null,
      env.deadline ?? null,
      env.body,
    ];
    return this.#pack(frame);
  }

  /**
   * Decodes and checks a frame. Throws only {@link MalformedMessageError}, {@link UnknownMessageTypeError},
   * {@link UnsupportedVersionError}, {@link PayloadTooLargeError} or {@link InvalidMessageError}.
   */
  decodeEnvelope(bytes: Uint8Array): Envelope {
    const frame = this.#unpack(bytes);
    if (!Array.isArray(frame)) throw new MalformedMessageError(`frame is ${typeName(frame)}, not an array`);
    if (frame[0] !== WIRE_MAGIC) throw new MalformedMessageError('frame does not start with the Bifrost magic number');
    const wire: unknown = frame[1];
    if (typeof wire !== 'number' || !Number.isSafeInteger(wire) || wire < 1) {
      throw new MalformedMessageError(`wire version is ${typeName(wire)}, not a positive integer`);
    }
    if (wire > WIRE_VERSION) throw new UnsupportedVersionError(undefined, wire, WIRE_VERSION);
    if (frame.length !== FRAME_LENGTH) {
      throw new MalformedMessageError(`frame has ${frame.length} fields, wire version ${WIRE_VERSION} has ${FRAME_LENGTH}`);
    }
    const [, , type, version, id, correlationId, senderNode, senderPath, recipientNode, recipientPath, traceId, deadline, body] =
      frame as unknown[];
    const problems: string[] = [];
    requireString(problems, 'type', type, false);
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
      problems.push(`version is ${typeName(version)}, not a positive integer`);
    }
    requireString(problems, 'id', id, false);
    requireString(problems, 'correlationId', correlationId, true);
    requireString(problems, 'sender.node', senderNode, true);
    requireString(problems, 'sender.path', senderPath, true);
    requireString(problems, 'recipient.node', recipientNode, true);
    requireString(problems, 'recipient.path', recipientPath, true);
    requireString(problems, 'traceId', traceId, true);
    if (senderNode != null && senderPath == null) problems.push('sender.node is set without sender.path');
    if (recipientNode != null && recipientPath == null) problems.push('recipient.node is set without recipient.path');
    if (deadline !== null && (typeof deadline !== 'number' || !Number.isFinite(deadline))) {
      problems.push(`deadline is ${typeName(deadline)}, not a finite number`);
    }
    if (problems.length > 0) throw new MalformedMessageError(problems.join('; '));

    this.#checkAgainstRegistry(type as string, version as number, body);
    const env: {
      -readonly [K in keyof Envelope]: Envelope[K];
    } = { type: type as string, version: version as number, id: id as string, body };
    if (correlationId !== null) env.correlationId = correlationId as string;
    if (senderPath !== null) env.sender = address(senderNode, senderPath);
    if (recipientPath !== null) env.recipient = address(recipientNode, recipientPath);
    if (traceId !== null) env.traceId = traceId as string;
    if (deadline !== null) env.deadline = deadline as number;
    return env;
  }

  /**
   * Encodes any plain value (a journal event, a snapshot). An object whose keys are a record layout's is
   * written without its key names (./record-layouts.ts); `decodeValue` gives it back whole. Throws
   * {@link UnencodableValueError} or {@link PayloadTooLargeError}.
   */
  encodeValue(value: unknown): Uint8Array {
    return this.#pack(value, true);
  }

  /** Decodes bytes from {@link Codec.encodeValue}. Throws only {@link MalformedMessageError} or {@link PayloadTooLargeError}. */
  decodeValue(bytes: Uint8Array): unknown {
    return this.#unpack(bytes);
  }

  /** `records`: values for storage may use record layouts; envelopes never do, so the wire stays as it was between versions. */
  #pack(value: unknown, records = false): Uint8Array {
    let bytes: Uint8Array;
    try {
      // Plain data (nearly every event and frame) is written in one pass, -0 and depth included;
      // anything else goes through the -0 scan and msgpackr. Both give the same bytes (without records).
      bytes = packPlain(value, records) ?? this.#packr.pack(protectNegativeZero(value));
    } catch (error) {
      if (error instanceof UnencodableValueError) throw error;
      throw new UnencodableValueError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    if (bytes.byteLength > this.maxPayloadBytes) throw new PayloadTooLargeError(bytes.byteLength, this.maxPayloadBytes);
    return bytes;
  }

  #unpack(bytes: Uint8Array): unknown {
    if (!(bytes instanceof Uint8Array)) throw new MalformedMessageError(`input is ${typeName(bytes)}, not a Uint8Array`);
    if (bytes.byteLength > this.maxPayloadBytes) throw new PayloadTooLargeError(bytes.byteLength, this.maxPayloadBytes);
    if (bytes.byteLength === 0) throw new MalformedMessageError('input is empty');
    try {
      return this.#packr.unpack(bytes);
    } catch (error) {
      // msgpackr throws plain Error/RangeError (and a stack overflow on absurd nesting): wrap them all.
      const reason = error instanceof Error ? error.message : String(error);
      throw new MalformedMessageError(`not valid MessagePack: ${reason.slice(0, 200)}`, { cause: error });
    }
  }

  #checkAgainstRegistry(type: string, version: number, body: unknown): void {
    const spec: MessageSpec | undefined = this.registry.get(type);
    if (spec === undefined) throw new UnknownMessageTypeError(type);
    if (version > spec.version) throw new UnsupportedVersionError(type, version, spec.version);
    if (spec.validate === undefined) return;
    let problems: string[];
    try {
      problems = spec.validate(body);
    } catch (error) {
      throw new InvalidMessageError(type, [`validator threw: ${error instanceof Error ? error.message : String(error)}`], {
        cause: error,
      });
    }
    if (problems.length > 0) throw new InvalidMessageError(type, problems);
  }
}

function envelopeHeaderProblems(env: Envelope): string[] {
  if (typeof env !== 'object' || env === null) return [`envelope is ${typeName(env)}, not an object`];
  const problems: string[] = [];
  requireString(problems, 'type', env.type, false);
  if (!Number.isSafeInteger(env.version) || env.version < 1) problems.push(`version is ${typeName(env.version)}, not a positive integer`);
  requireString(problems, 'id', env.id, false);
  requireString(problems, 'correlationId', env.correlationId ?? null, true);
  requireString(problems, 'traceId', env.traceId ?? null, true);
  for (const [name, addr] of [['sender', env.sender], ['recipient', env.recipient]] as const) {
    if (addr === undefined) continue;
    if (typeof addr !== 'object' || addr === null) {
      problems.push(`${name} is ${typeName(addr)}, not an address`);
      continue;
    }
    requireString(problems, `${name}.path`, addr.path, false);
    requireString(problems, `${name}.node`, addr.node ?? null, true);
  }
  if (env.deadline !== undefined && (typeof env.deadline !== 'number' || !Number.isFinite(env.deadline))) {
    problems.push(`deadline is ${typeName(env.deadline)}, not a finite number`);
  }
  return problems;
}

function requireString(problems: string[], field: string, value: unknown, nullable: boolean): void {
  if (nullable && value === null) return;
  if (typeof value !== 'string' || value.length === 0) problems.push(`${field} is ${typeName(value)}, not a non-empty string`);
}

function address(node: unknown, path: unknown): EnvelopeAddress {
  return node === null ? { path: path as string } : { node: node as string, path: path as string };
}

function describeType(type: unknown): string {
  return typeof type === 'string' && type.length > 0 ? type : '(untyped envelope)';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string';
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'null prototype'})` : `a ${typeof value}`;
}
