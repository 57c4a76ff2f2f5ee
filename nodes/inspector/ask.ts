import { AskTimeoutError } from '../../runtime/errors.js';
import type { ActorRef, Message } from '../../runtime/ref.js';
import type { ActorSystem } from '../../runtime/system.js';

/**
 * `system.ask` bounded by wall-clock time as well: an HTTP request or a scrape must end even when the
 * system runs on a simulated clock that nobody advances. Rejects with {@link AskTimeoutError}.
 */
export function askWithin<R>(system: ActorSystem, ref: ActorRef<any>, message: Message, timeoutMs: number): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const wall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AskTimeoutError(ref.path, timeoutMs, message.type)), timeoutMs);
  });
  return Promise.race([system.ask<R>(ref, message, timeoutMs), wall]).finally(() => clearTimeout(timer));
}
