import { Actor } from '../../runtime/index.js';
import type { ActorContext, Message } from '../../runtime/index.js';

/** What a recording actor does with each message. */
export type RecorderMsg =
  | { type: 'rec.note'; value: string }
  | { type: 'rec.fail'; error?: string; kind?: 'transient' | 'fatal' | 'ignorable' }
  | { type: 'rec.get' }
  | { type: 'rec.stopSelf' };

/** A shared journal that outlives actor instances, so tests can see what happened across restarts. */
export class Journal {
  readonly entries: string[] = [];
  note(entry: string): void {
    this.entries.push(entry);
  }
  of(prefix: string): string[] {
    return this.entries.filter((e) => e.startsWith(prefix));
  }
}

export class TransientError extends Error {
  override name = 'TransientError';
}
export class FatalError extends Error {
  override name = 'FatalError';
}
export class IgnorableError extends Error {
  override name = 'IgnorableError';
}

export interface RecorderProps {
  readonly journal: Journal;
  readonly failInStarted?: number; // fail the first N starts
}

/** Records lifecycle and messages into a shared journal; instance state (`seen`) dies with a restart. */
export class Recorder extends Actor<RecorderMsg, RecorderProps> {
  seen: string[] = [];
  static starts = new Map<string, number>();

  override started(ctx: ActorContext<RecorderMsg>): void {
    const n = (Recorder.starts.get(ctx.path) ?? 0) + 1;
    Recorder.starts.set(ctx.path, n);
    this.props.journal.note(`${ctx.path}:started`);
    if (this.props.failInStarted !== undefined && n <= this.props.failInStarted) throw new TransientError(`start ${n} failed`);
  }

  override stopped(ctx: ActorContext<RecorderMsg>): void {
    this.props.journal.note(`${ctx.path}:stopped`);
  }

  override restarting(error: unknown, ctx: ActorContext<RecorderMsg>): void {
    this.props.journal.note(`${ctx.path}:restarting:${(error as Error).message}`);
  }

  receive(msg: RecorderMsg, ctx: ActorContext<RecorderMsg>): void {
    switch (msg.type) {
      case 'rec.note':
        this.seen.push(msg.value);
        this.props.journal.note(`${ctx.path}:msg:${msg.value}`);
        break;
      case 'rec.fail': {
        const text = msg.error ?? 'failure';
        throw msg.kind === 'fatal' ? new FatalError(text) : msg.kind === 'ignorable' ? new IgnorableError(text) : new TransientError(text);
      }
      case 'rec.get':
        ctx.reply({ type: 'rec.seen', seen: [...this.seen] });
        break;
      case 'rec.stopSelf':
        void ctx.stop();
        break;
    }
  }
}

export type SeenReply = { type: 'rec.seen'; seen: string[] };

/** An actor that ignores everything; a placeholder child. */
export class Idle extends Actor<Message> {
  receive(): void {}
}
