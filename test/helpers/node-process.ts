// A node run as a real child process: its JSON stdout lines are collected so tests can wait for events;
// SIGKILL / SIGSTOP / SIGCONT simulate crashes and hangs. Every process is killed when the test process
// exits, whatever happened.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** What starts a node process. */
export interface NodeCommand {
  readonly name: string;
  /** The entry module (a node main or a test fixture). */
  readonly entry: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** More to show when a wait fails (the state of what the node depends on, such as its NATS servers' logs). */
  readonly context?: () => string;
}

/** A child process that prints one JSON object per line; `L` is the shape of those lines. */
export class NodeProcess<L extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly lines: L[] = [];
  readonly child: ChildProcess;
  readonly startedAt = Date.now();
  #stderr = '';
  readonly #exited: Promise<void>;
  readonly #waiters = new Set<() => void>();
  readonly #context: (() => string) | undefined;

  constructor(command: NodeCommand) {
    this.name = command.name;
    this.#context = command.context;
    this.child = spawn(process.execPath, ['--import=tsx', command.entry, ...command.args], { env: command.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    this.#exited = new Promise((resolve) => this.child.once('exit', () => { live.delete(this.child); resolve(); }));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr = (this.#stderr + chunk).slice(-8_192)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as L);
      } catch {
        this.#stderr = (this.#stderr + line + '\n').slice(-8_192);
        return;
      }
      for (const wake of this.#waiters) wake();
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines of the node's output, for failure messages. */
  tail(n = 15): string {
    const describe = (l: Record<string, unknown>): string => {
      const err = typeof l.err === 'object' && l.err !== null ? ` (${String((l.err as { message?: unknown }).message)})` : '';
      return `${String(l.event ?? l.type ?? '')} ${String(l.msg ?? '')}${err}`;
    };
    return [...this.lines.slice(-n).map(describe), this.#stderr].join('\n');
  }

  /** Resolves with the first line matching `predicate` (already seen or future); rejects after `timeoutMs` or when the process exits. */
  waitFor(what: string, predicate: (line: L) => boolean, timeoutMs = 60_000): Promise<L> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.lines.find(predicate);
        if (hit === undefined) return false;
        done();
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`node ${this.name}: no ${what} within ${timeoutMs} ms; log:\n${this.tail()}${this.#describeContext()}`));
      }, timeoutMs);
      const onExit = (): void => {
        if (check()) return;
        done();
        reject(new Error(`node ${this.name} exited before ${what}; log:\n${this.tail()}${this.#describeContext()}`));
      };
      const wake = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        this.child.off('exit', onExit);
      };
      this.#waiters.add(wake);
      this.child.once('exit', onExit);
      if (!this.running) onExit();
      else check();
    });
  }

  #describeContext(): string {
    if (this.#context === undefined) return '';
    try {
      return `\n${this.#context()}`;
    } catch (error) {
      return `\n(context unavailable: ${String(error)})`;
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL (a stopped process dies too) and wait for the exit. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGCONT (in case it was stopped), SIGTERM for a clean stop, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
