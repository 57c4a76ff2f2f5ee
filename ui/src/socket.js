// The WebSocket to the gateway: JSON commands out, checked events in, reconnect with backoff.

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 5_000;
let seq = 0;

/** A fresh command id with a prefix (`o12`): the server quotes it back in replies and errors. */
export function nextId(prefix) {
  seq += 1;
  return `${prefix}${seq}`;
}

/** Whether a frame is an event at all: an object with a string `type` (the server checks every event fully before sending). */
function isEvent(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof value.type === 'string';
}

export class Connection {
  #url;
  #ws;
  #handlers = new Map();
  #statusHandlers = new Set();
  #backoff = MIN_BACKOFF_MS;
  #opened = false;
  status = 'connecting';

  constructor(url) {
    this.#url = url;
  }

  start() {
    this.#setStatus('connecting');
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.addEventListener('open', () => {
      this.#opened = true;
      this.#backoff = MIN_BACKOFF_MS;
      this.#setStatus('open');
    });
    ws.addEventListener('message', (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return console.warn('bifrost: a frame that is not JSON was ignored');
      }
      if (!isEvent(msg)) return console.warn('bifrost: a frame without a type was ignored');
      // `*` first: the store takes the event before handlers that read the store.
      for (const fn of this.#handlers.get('*') ?? []) fn(msg);
      for (const fn of this.#handlers.get(msg.type) ?? []) fn(msg);
    });
    ws.addEventListener('close', () => this.#closed());
  }

  async #closed() {
    this.#setStatus('closed');
    // A refused upgrade looks like any failed connection; ask the server whether the login still holds.
    const res = await fetch('/app.html', { redirect: 'manual', cache: 'no-store' }).catch(() => undefined);
    if (res !== undefined && res.type === 'opaqueredirect') {
      location.assign('/');
      return;
    }
    setTimeout(() => this.start(), this.#backoff);
    this.#backoff = Math.min(MAX_BACKOFF_MS, this.#backoff * 2);
  }

  #setStatus(status) {
    this.status = status;
    for (const fn of this.#statusHandlers) fn(status);
  }

  /** Calls `fn` with every event of `type` (`*` for all); returns a function that stops it. */
  on(type, fn) {
    let set = this.#handlers.get(type);
    if (set === undefined) this.#handlers.set(type, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  onStatus(fn) {
    this.#statusHandlers.add(fn);
    fn(this.status);
    return () => this.#statusHandlers.delete(fn);
  }

  /** Sends a command; false when the socket is not open. */
  send(command) {
    if (this.#ws === undefined || this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(JSON.stringify(command));
    return true;
  }

  get everOpened() {
    return this.#opened;
  }
}
