/**
 * The TWS socket protocol's framing, server side. After the client's handshake (`API\0`, then a 4-byte
 * big-endian length and a version range such as `v100..193`), every message in both directions is a
 * 4-byte big-endian length followed by NUL-terminated fields.
 */

/** A field as the fake writes it: numbers and booleans become text (`true` -> `1`), `undefined` an empty field. */
export type WireField = string | number | boolean | undefined;

const NUL = 0;
const API_PREFIX = Buffer.from('API\0', 'latin1');

/** One frame: the length prefix, each field followed by a NUL. */
export function encodeFrame(fields: readonly WireField[]): Buffer {
  const text = fields.map(fieldText).join('\0') + '\0';
  const body = Buffer.from(text, 'utf8');
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  body.copy(frame, 4);
  return frame;
}

function fieldText(field: WireField): string {
  if (field === undefined) return '';
  if (typeof field === 'boolean') return field ? '1' : '0';
  return String(field);
}

/** The version range a client announced in its handshake. */
export interface ClientHello {
  readonly minVersion: number;
  readonly maxVersion: number;
}

/**
 * Splits a client's byte stream into its handshake and then into frames. Feed it every chunk the socket
 * delivers; it returns what became complete.
 */
export class ClientStreamDecoder {
  #buffer = Buffer.alloc(0);
  #helloSeen = false;

  /** Appends a chunk; returns the hello (once) and the complete frames, each as its list of fields. */
  push(chunk: Buffer): { hello?: ClientHello; frames: string[][] } {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    let hello: ClientHello | undefined;
    if (!this.#helloSeen) {
      hello = this.#readHello();
      if (hello === undefined) return { frames: [] };
    }
    const frames: string[][] = [];
    while (this.#buffer.length >= 4) {
      const length = this.#buffer.readUInt32BE(0);
      if (this.#buffer.length < 4 + length) break;
      const body = this.#buffer.subarray(4, 4 + length);
      this.#buffer = this.#buffer.subarray(4 + length);
      frames.push(splitFields(body));
    }
    return hello === undefined ? { frames } : { hello, frames };
  }

  #readHello(): ClientHello | undefined {
    if (this.#buffer.length < API_PREFIX.length + 4) return undefined;
    if (!this.#buffer.subarray(0, API_PREFIX.length).equals(API_PREFIX)) throw new Error('client did not start with API\\0');
    const length = this.#buffer.readUInt32BE(API_PREFIX.length);
    const end = API_PREFIX.length + 4 + length;
    if (this.#buffer.length < end) return undefined;
    const text = this.#buffer.subarray(API_PREFIX.length + 4, end).toString('latin1');
    this.#buffer = this.#buffer.subarray(end);
    this.#helloSeen = true;
    const match = /^v(\d+)(?:\.\.(\d+))?/.exec(text);
    if (match === null) throw new Error(`unreadable version range ${JSON.stringify(text)}`);
    const minVersion = Number(match[1]);
    return { minVersion, maxVersion: match[2] === undefined ? minVersion : Number(match[2]) };
  }
}

/** The fields of a frame body: NUL-terminated, so the text after the last NUL (empty) is dropped. */
function splitFields(body: Buffer): string[] {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== NUL) continue;
    fields.push(body.subarray(start, i).toString('utf8'));
    start = i + 1;
  }
  return fields;
}
