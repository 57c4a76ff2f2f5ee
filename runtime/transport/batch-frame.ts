import { MalformedMessageError } from '../codec/index.js';

/**
 * First byte of a batch: 0xc1 is the one byte MessagePack never uses, so a batch can never be mistaken for
 * an envelope frame (which starts with a msgpack array header) and vice versa.
 */
export const BATCH_MARKER = 0xc1;

/** Bytes of framing per envelope in a batch (a big-endian u32 length). */
export const BATCH_FRAME_OVERHEAD = 4;

/** `marker, (u32 length, frame)*`: several envelope frames for one subject in one NATS message. */
export function encodeBatch(frames: readonly Uint8Array[], totalBytes: number): Uint8Array {
  const out = new Uint8Array(1 + totalBytes);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out[0] = BATCH_MARKER;
  let at = 1;
  for (const frame of frames) {
    view.setUint32(at, frame.byteLength);
    out.set(frame, at + BATCH_FRAME_OVERHEAD);
    at += BATCH_FRAME_OVERHEAD + frame.byteLength;
  }
  return out;
}

/** True when `bytes` is a batch rather than a single envelope frame. */
export function isBatch(bytes: Uint8Array): boolean {
  return bytes.byteLength > 0 && bytes[0] === BATCH_MARKER;
}

/** The frames of a batch (views into `bytes`). Throws {@link MalformedMessageError} on a truncated or empty batch. */
export function splitBatch(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Uint8Array[] = [];
  let at = 1;
  while (at < bytes.byteLength) {
    if (at + BATCH_FRAME_OVERHEAD > bytes.byteLength) throw new MalformedMessageError(`batch truncated at byte ${at}`);
    const length = view.getUint32(at);
    at += BATCH_FRAME_OVERHEAD;
    if (length === 0 || at + length > bytes.byteLength) throw new MalformedMessageError(`batch frame at byte ${at} claims ${length} bytes, ${bytes.byteLength - at} left`);
    frames.push(bytes.subarray(at, at + length));
    at += length;
  }
  if (frames.length === 0) throw new MalformedMessageError('empty batch');
  return frames;
}
