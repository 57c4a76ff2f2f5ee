// A node fixture run as a real child process: its JSON stdout lines are collected so tests can wait for
// events; SIGKILL / SIGSTOP / SIGCONT simulate crashes and hangs. Every process is killed when the test
// process exits, whatever happened.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NodeMainConfig } from './fixtures/node-main.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/node-main.ts', import.meta.url));
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export type NodeLine = Record<string, unknown> & { readonly type: string; readonly node: string; readonly wallClock: number };

export class NodeProcess {
  readonly name: string;
  readonly lines: NodeLine[] = [];
  readonly child: ChildProcess;
  #stderr = '';
  readonly #exited: Promise<void>;
  readonly #waiters = new Set<() => void>();

  constructor(config: NodeMainConfig) {
    this.name = config.node;
    this.child = spawn(process.execPath, ['--import=tsx', FIXTURE, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    this.#exited = new Promise((resolve) => this.child.once('exit', () => { live.delete(this.child); resolve(); }));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.#stderr = (this.#stderr + chunk).slice(-8_192)));
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as NodeLine);
      } catch {
        return;
      }
      for (const wake of this.#waiters) wake();
    });
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
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
        reject(new Error(`node ${this.name}: no ${what} within ${timeoutMs} ms; stderr:\n${this.#stderr}`));
      }, timeoutMs);
      const onExit = (): void => {
        if (check()) return;
        done();
        reject(new Error(`node ${this.name} exited before ${what}; stderr:\n${this.#stderr}`));
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

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL (a stopped process dies too) and wait for the exit. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
