/**
 * Which gpu.js backend runs the sweep kernels, and what it reports. `auto` tries, in order, `async`
 * (gpu.js picks headless GL, WebGL2, WebGL or WebAssembly, and upgrades a kernel to WebGPU on its first
 * call when an adapter answers), `gpu` (the same chain, synchronous), `webasm`, then `cpu`. Each candidate
 * must compile and run a probe kernel and return the right numbers; every candidate that fails is kept in
 * `attempts` and shows up in the report. Nothing fails silently.
 */
import type { GPU as GPUType, IKernelRunShortcut } from 'gpu.js';
import { BackendUnavailableError } from './errors.js';

/** What a request may ask for. */
export type BackendPreference = 'auto' | 'async' | 'webgpu' | 'gpu' | 'webasm' | 'cpu';
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'async', 'webgpu', 'gpu', 'webasm', 'cpu'];
/** Idle compiled kernels a backend keeps for sweeps of the same shape. */
export const DEFAULT_KERNEL_CACHE_SIZE = 8;
/** The order `auto` tries. */
export const AUTO_BACKEND_ORDER = ['async', 'gpu', 'webasm', 'cpu'] as const;

/** A backend that was tried and did not work, and why. */
export interface BackendAttempt {
  readonly mode: string;
  readonly error: string;
}

/** Where the kernels actually ran; part of every result. */
export interface BackendReport {
  /** The backend that executed the kernels: webgpu, headlessgl, webgl2, webgl, webasm or cpu. */
  readonly backend: string;
  readonly requested: BackendPreference;
  /** The gpu.js instance mode that was opened (`async`, `gpu`, `webgpu`, `webasm`, `cpu`). */
  readonly gpuMode: string;
  /** `float32` on every backend but `cpu`, which computes in float64 and stores float32 outputs. */
  readonly arithmetic: 'float32' | 'float64';
  /** Why gpu.js degraded a kernel to its cpu backend, when it did. */
  readonly fallbackReason: string | null;
  readonly attempts: readonly BackendAttempt[];
}

/** Settings of one sweep kernel. */
export interface SweepKernelSettings {
  readonly output: number;
  readonly constants: Record<string, number>;
  readonly constantTypes: Record<string, 'Float' | 'Integer'>;
  /** Upper bound of every loop in the kernel: the bar count. gpu.js otherwise stops loops at 1,000 silently. */
  readonly loopMaxIterations: number;
  /** Lengths of the array arguments, in order: a compiled kernel is reused only for the same shape. */
  readonly argumentLengths: readonly number[];
}

/** A compiled sweep kernel; `run` resolves to one Float32Array(4) per thread. */
export interface SweepKernel {
  run(...args: Float32Array[]): Promise<Float32Array[]>;
  /** The backend that ran the last call (gpu.js may upgrade to webgpu or degrade to cpu per kernel). */
  readonly mode: string;
  readonly fallbackReason: string | null;
  destroy(): void;
}

/** What a sweep needs of a backend; `SweepBackend` is the gpu.js one. */
export interface KernelBackend {
  /** The backend the probe ran on. */
  readonly probedMode: string;
  createKernel(source: string, settings: SweepKernelSettings): SweepKernel;
  report(kernel?: SweepKernel): BackendReport;
  destroy(): Promise<void>;
}

type GPUCtor = typeof GPUType;

let gpuModule: Promise<GPUCtor> | undefined;
/** gpu.js is loaded on first use, so importing the optimizer barrel stays cheap. */
function loadGpu(): Promise<GPUCtor> {
  gpuModule ??= import('gpu.js').then((m) => (m as unknown as { GPU: GPUCtor }).GPU ?? (m as unknown as { default: { GPU: GPUCtor } }).default.GPU);
  return gpuModule;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function kernelMode(k: IKernelRunShortcut, fallback: string): string {
  const inner = (k as unknown as { kernel?: { constructor?: { mode?: string } } }).kernel;
  return inner?.constructor?.mode ?? fallback;
}

function kernelFallback(k: IKernelRunShortcut): string | null {
  return (k as unknown as { kernel?: { fallbackReason?: string | null } }).kernel?.fallbackReason ?? null;
}

const PROBE = `function probe(a) {
  let s = 0;
  for (let i = 0; i < this.constants.n; i++) { s = s + a[i]; }
  return s + this.thread.x;
}`;

/** An opened gpu.js instance that passed the probe. */
export class SweepBackend implements KernelBackend {
  readonly #kernels = new Map<string, { readonly kernel: IKernelRunShortcut; users: number }>();

  private constructor(
    readonly gpu: GPUType,
    readonly requested: BackendPreference,
    readonly gpuMode: string,
    readonly probedMode: string,
    readonly attempts: readonly BackendAttempt[],
  ) {}

  /** Opens the first backend of `preference` that compiles and runs the probe correctly. */
  static async open(preference: BackendPreference = 'auto'): Promise<SweepBackend> {
    const GPU = await loadGpu();
    const attempts: BackendAttempt[] = [];
    if (preference === 'auto' || preference === 'async' || preference === 'webgpu') {
      const available = await GPU.isWebGPUAvailable().catch(() => false);
      if (!available) attempts.push({ mode: 'webgpu', error: 'no WebGPU adapter answered (GPU.isWebGPUAvailable() is false)' });
      else if (preference === 'webgpu') return SweepBackend.#try(GPU, 'webgpu', preference, attempts);
      if (preference === 'webgpu') throw new BackendUnavailableError(attempts);
    }
    const order: readonly string[] = preference === 'auto' ? AUTO_BACKEND_ORDER : [preference];
    for (const mode of order) {
      try {
        return await SweepBackend.#try(GPU, mode, preference, attempts);
      } catch (error) {
        attempts.push({ mode, error: message(error) });
      }
    }
    throw new BackendUnavailableError(attempts);
  }

  static async #try(GPU: GPUCtor, mode: string, preference: BackendPreference, attempts: BackendAttempt[]): Promise<SweepBackend> {
    const gpu = new GPU({ mode: mode as never });
    try {
      const k = gpu.createKernel(PROBE, { output: [8], constants: { n: 4 }, loopMaxIterations: 4 } as never) as IKernelRunShortcut;
      const got = (await (k as unknown as (a: Float32Array) => unknown)(Float32Array.of(1, 2, 3, 4))) as ArrayLike<number>;
      const wrong = Array.from({ length: 8 }, (_, i) => i).find((i) => got[i] !== 10 + i);
      if (wrong !== undefined) throw new Error(`probe kernel returned ${got[wrong]} at ${wrong}, expected ${10 + wrong}`);
      const probed = kernelMode(k, mode);
      k.destroy();
      return new SweepBackend(gpu, preference, mode, probed, [...attempts]);
    } catch (error) {
      await gpu.destroy().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A sweep kernel for `source` and `settings`. Compiled kernels are kept (at most
   * `DEFAULT_KERNEL_CACHE_SIZE` idle ones), so a repeated sweep of the same shape skips compilation and,
   * on threaded webasm, the worker pool start. `destroy()` on the returned kernel releases it.
   */
  createKernel(source: string, settings: SweepKernelSettings): SweepKernel {
    const key = JSON.stringify([source, settings.output, settings.loopMaxIterations, settings.argumentLengths, settings.constants, settings.constantTypes]);
    let entry = this.#kernels.get(key);
    if (entry === undefined) {
      const k = this.gpu.createKernel(source, {
        output: [settings.output],
        constants: settings.constants,
        constantTypes: settings.constantTypes,
        loopMaxIterations: settings.loopMaxIterations,
        precision: 'single',
        tactic: 'precision',
      } as never) as IKernelRunShortcut;
      k.setLoopMaxIterations(settings.loopMaxIterations);
      entry = { kernel: k, users: 0 };
    } else this.#kernels.delete(key);
    this.#kernels.set(key, entry); // most recently used last
    entry.users++;
    this.#evict();
    const k = entry.kernel;
    const fallbackMode = this.probedMode;
    let released = false;
    return {
      async run(...args: Float32Array[]): Promise<Float32Array[]> {
        return (await (k as unknown as (...a: Float32Array[]) => unknown)(...args)) as Float32Array[];
      },
      get mode() {
        return kernelMode(k, fallbackMode);
      },
      get fallbackReason() {
        return kernelFallback(k);
      },
      destroy: () => {
        if (released) return;
        released = true;
        entry.users--;
        this.#evict();
      },
    };
  }

  /** Destroys the least recently used idle kernels beyond the cache size. */
  #evict(): void {
    let idle = [...this.#kernels.values()].filter((e) => e.users === 0).length;
    for (const [key, e] of this.#kernels) {
      if (idle <= DEFAULT_KERNEL_CACHE_SIZE) break;
      if (e.users > 0) continue;
      e.kernel.destroy();
      this.#kernels.delete(key);
      idle--;
    }
  }

  /** The report for results computed with `kernel` (or, before any kernel ran, with the probe). */
  report(kernel?: SweepKernel): BackendReport {
    const backend = kernel?.mode ?? this.probedMode;
    return {
      backend,
      requested: this.requested,
      gpuMode: this.gpuMode,
      arithmetic: backend === 'cpu' ? 'float64' : 'float32',
      fallbackReason: kernel?.fallbackReason ?? null,
      attempts: this.attempts,
    };
  }

  /** Releases the instance, its kernels and any worker pool. */
  async destroy(): Promise<void> {
    this.#kernels.clear();
    await this.gpu.destroy();
  }
}
