// The kernel worker's script. scripts/build_wasm.mjs bundles it (with worker.ts and
// protocol.ts) into one self-contained string, which the pool starts as a Node worker thread
// (eval) or a browser Web Worker (blob URL): no separate file has to survive a bundler.

import { workerMain, type Init } from './worker.js';

const isInit = (d: unknown): d is Init => typeof d === 'object' && d !== null && (d as { dendriteKernelWorker?: unknown }).dendriteKernelWorker === true;

const wt = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:worker_threads') as
  | { isMainThread: boolean; workerData: unknown }
  | undefined;
if (wt && !wt.isMainThread) {
  // Node: the init data comes as workerData
  if (isInit(wt.workerData)) workerMain(wt.workerData);
} else {
  // Web Worker: the init data is the first message; workerMain then never returns
  const scope = globalThis as unknown as { onmessage: ((e: { data: unknown }) => void) | null };
  scope.onmessage = (e) => {
    if (!isInit(e.data)) return;
    scope.onmessage = null;
    workerMain(e.data);
  };
}
