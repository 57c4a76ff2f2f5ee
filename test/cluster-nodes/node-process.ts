// A cluster node (nodes/cluster/node-main.ts, or the test fixture that runs the same node with a scripted
// strategy) as a real child process: its pino JSON lines are collected so tests can wait for lifecycle
// events (`event` field); SIGKILL simulates a crash. Every process is killed when the test process exits.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One pino line of a node. */
export type NodeLine = Record<string, unknown> & { readonly event?: string; readonly msg?: string; readonly time: number };

/** What starts a node process. */
export interface NodeCommand {
  readonly name: string;
  /** The entry module (node-main.ts or a fixture). */
  readonly entry: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

export class NodeProcess {
  readonly name: string;
  readonly lines: NodeLine[] = [];
  readonly child: ChildProcess;
  readonly startedAt = Date.now();
  #stderr = '';
  readonly #exited: Promise<void>;
  readonly #waiters = new Set<() => void>();

  constructor(command: NodeCommand) {
    this.name = command.name;
    this.child = spawn(process.execPath, ['--import=tsx', command.entry, ...command.args], { env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    this.#exited = new Promise((resolve) => this.child.once('exit', () => { live.delete(this.child); resolve(); }));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr = (this.#stderr + chunk).slice(-8_192)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as NodeLine);
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

  /** The last lines of the node's log, for failure messages. */
  tail(n = 15): string {
    const err = (l: NodeLine): string => (typeof l.err === 'object' && l.err !== null ? ` (${String((l.err as { message?: unknown }).message)})` : '');
    return [...this.lines.slice(-n).map((l) => `${String(l.event ?? '')} ${String(l.msg ?? '')}${err(l)}`), this.#stderr].join('\n');
  }

  /** Resolves with the first line matching `predicate` (already seen or future); rejects after `timeoutMs` or when the process exits. */
  waitFor(what: string, predicate: (line: NodeLine) => boolean, timeoutMs = 60_000): Promise<NodeLine> {
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
        reject(new Error(`node ${this.name}: no ${what} within ${timeoutMs} ms; log:\n${this.tail()}`));
      }, timeoutMs);
      const onExit = (): void => {
        if (check()) return;
        done();
        reject(new Error(`node ${this.name} exited before ${what}; log:\n${this.tail()}`));
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

  /** Resolves once the node logged `node.ready`. */
  ready(timeoutMs = 60_000): Promise<NodeLine> {
    return this.waitFor('node.ready', (l) => l.event === 'node.ready', timeoutMs);
  }

  /** SIGKILL and wait for the exit. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM (a clean stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
