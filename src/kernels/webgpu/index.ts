/// <reference types="@webgpu/types" />
// Starting the webgpu backend: find an adapter (the browser's navigator.gpu, else in Node the
// optional `webgpu` package — Google's Dawn — loaded only here, dynamically, so the library
// loads and runs without it), ask for its largest storage-buffer limits, and register the
// backend with its device memory. `await initWebGpu()` selects it too (as setBackend('webgpu')
// then does), and DENDRITE_BACKEND=webgpu needs it to have run. No adapter → DeviceError.

import { DeviceError } from '../../errors.js';
import { registerBackend, setBackend } from '../registry.js';
import { GpuMemory, type StagingStats } from './memory.js';
import { webgpuKernels } from './kernels.js';

export interface WebGpuOptions {
  /** Select the backend once started (default true). */
  select?: boolean;
  /** Options for requestAdapter ('high-performance' by default). */
  powerPreference?: GPUPowerPreference;
}

export interface WebGpuInfo {
  /** The adapter as it describes itself ('llvmpipe: Mesa ...', 'NVIDIA H200', ...). */
  adapter: string;
  /** Largest tensor memory the device allows, in bytes. */
  maxBytes: number;
}

// the GPU and adapter objects are held for the process's life: Dawn's Node binding tears its
// instance down when they are garbage-collected, under a device still in use (it crashed)
let started: { memory: GpuMemory; info: WebGpuInfo; gpu: GPU; adapter: GPUAdapter } | null = null;

async function findGpu(tried: string[]): Promise<GPU | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) {
    tried.push('navigator.gpu');
    return nav.gpu;
  }
  // Node: the optional Dawn package; the name is held in a variable so bundlers leave it alone
  const pkg = 'webgpu';
  try {
    const mod = (await import(/* @vite-ignore */ pkg)) as { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    Object.assign(globalThis, mod.globals);
    tried.push("the 'webgpu' package (Dawn)");
    return mod.create([]);
  } catch (e) {
    tried.push(`the 'webgpu' package (not loadable: ${String((e as Error).message ?? e).split('\n')[0]})`);
    return null;
  }
}

/**
 * Starts the webgpu backend (once; later calls return the same device) and, unless
 * `select: false`, makes it the active backend. Rejects with a DeviceError naming what was tried
 * when no adapter or device is available.
 */
export async function initWebGpu(opts: WebGpuOptions = {}): Promise<WebGpuInfo> {
  if (started === null) {
    const tried: string[] = [];
    const gpu = await findGpu(tried);
    const adapter = gpu === null ? null : await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
    if (adapter === null) {
      const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
      const icd = env?.['VK_ICD_FILENAMES'] ?? env?.['VK_DRIVER_FILES'];
      throw new DeviceError(`initWebGpu: no WebGPU adapter (tried ${tried.join(', ') || 'nothing'}${icd ? `; Vulkan driver file ${icd}` : ''})`);
    }
    const info = (adapter as unknown as { info?: { vendor?: string; architecture?: string; description?: string } }).info ?? {};
    const lim = adapter.limits;
    let device: GPUDevice;
    try {
      device = await adapter.requestDevice({
        requiredLimits: {
          maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
          maxBufferSize: lim.maxBufferSize,
        },
      });
    } catch (e) {
      throw new DeviceError(`initWebGpu: the adapter '${info.description || info.vendor}' gave no device: ${String(e)}`);
    }
    const layout = device.createBindGroupLayout({
      entries: [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 256 } },
      ],
    });
    const memory = new GpuMemory(device, layout);
    const kernels = webgpuKernels(memory);
    registerBackend('webgpu', () => kernels, memory);
    const description = [info.vendor, info.architecture, info.description].filter((s) => s).join(' ');
    started = { memory, info: { adapter: description, maxBytes: memory.maxBytes }, gpu: gpu!, adapter };
  }
  if (opts.select ?? true) setBackend('webgpu');
  return started.info;
}

/** Submits the queued kernels and resolves once the GPU has run them (for timing; reads wait by themselves). */
export async function webgpuSync(): Promise<void> {
  if (started !== null) await started.memory.sync();
}

/** Command submissions so far (a training step should add one), or 0 before initWebGpu. */
export function webgpuSubmits(): number {
  return started?.memory.submits ?? 0;
}

/** The read-back staging pool's counts (buffers made so far, buffers and bytes pooled), or null before initWebGpu. */
export function webgpuStagingStats(): StagingStats | null {
  return started?.memory.stagingStats() ?? null;
}
