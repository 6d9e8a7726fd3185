// `node dist/bench/closed_loop_lsl.js [--seconds N]` (default 20): LSL outlet -> inlet on loopback
// at 1 kHz x 64 channels float32, pushed in real time. The outlet runs in a worker thread (its own
// event loop, as a separate acquisition program would), pacing pushes with a 1 ms timer: every
// tick it pushes the samples that fell due, each stamped with lslClock() at the push. The inlet
// (main thread) reads with chunks(); latency = inlet receive time - sample timestamp, on the one
// monotonic clock both threads share. Channel 0 carries the sample index, so loss, duplicates and
// reordering are counted exactly. Heap is measured after a forced GC at start and end (and every
// 10 % of the run) in both threads. Targets: p99 < 5 ms, 0 lost, flat heap.
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { StreamInlet, StreamOutlet, lslClock } from '../src/node/lsl/index.js';
import type { StreamInfo } from '../src/stream/lsl/index.js';

const RATE = 1000;
const CHANNELS = 64;

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

interface FromWorker {
  kind: 'info' | 'done' | 'heap';
  info?: StreamInfo;
  sent?: number;
  dropped?: number;
  heap?: number;
}

async function outletMain(seconds: number): Promise<void> {
  const port = parentPort!;
  const outlet = await StreamOutlet.create(
    { name: `dendrite-bench-${process.pid}`, type: 'EEG', channelCount: CHANNELS, nominalSrate: RATE, sourceId: `bench-${process.pid}` },
    { host: '127.0.0.1', discovery: false },
  );
  port.postMessage({ kind: 'info', info: outlet.info } satisfies FromWorker);
  await outlet.waitForConsumers(1, 10_000);
  port.postMessage({ kind: 'heap', heap: heapMb() } satisfies FromWorker);
  const total = seconds * RATE;
  const buf = new Float32Array(16 * CHANNELS);
  const ts = new Float64Array(16);
  let sent = 0;
  const start = lslClock();
  let nextHeap = total / 10;
  await new Promise<void>((done) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((lslClock() - start) * RATE) + 1);
      while (sent < due) {
        const n = Math.min(16, due - sent);
        const now = lslClock();
        for (let i = 0; i < n; i++) {
          const k = sent + i;
          buf[i * CHANNELS] = k;
          for (let c = 1; c < CHANNELS; c++) buf[i * CHANNELS + c] = Math.sin(k * 0.01 + c);
          ts[i] = now;
        }
        outlet.pushChunk(buf.subarray(0, n * CHANNELS), ts.subarray(0, n));
        sent += n;
      }
      if (sent >= nextHeap) {
        nextHeap += total / 10;
        port.postMessage({ kind: 'heap', heap: heapMb() } satisfies FromWorker);
      }
      if (sent >= total) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await new Promise((r) => setTimeout(r, 200));
  port.postMessage({ kind: 'done', sent, dropped: outlet.dropped, heap: heapMb() } satisfies FromWorker);
  await outlet.close();
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--seconds');
  const seconds = i >= 0 ? Number(process.argv[i + 1]) : 20;
  if (!(seconds > 0 && Number.isFinite(seconds))) throw new Error(`--seconds ${process.argv[i + 1]}: expected a positive number`);
  const worker = new Worker(new URL(import.meta.url), { workerData: { seconds } });
  const workerHeap: number[] = [];
  let info: StreamInfo | undefined;
  let done: FromWorker | undefined;
  const gotInfo = new Promise<void>((resolve) => {
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'info') {
        info = m.info!;
        resolve();
      } else if (m.kind === 'heap') workerHeap.push(m.heap!);
      else done = m;
    });
  });
  worker.on('error', (e) => {
    console.error(e);
    process.exit(1);
  });
  await gotInfo;
  const inlet = await StreamInlet.open(info!, { maxBuffered: 60 * RATE });
  const heap0 = heapMb();
  const mainHeap = [heap0];
  const total = seconds * RATE;
  const lat = new Float64Array(total);
  let received = 0;
  let expected = 0;
  let gaps = 0;
  let outOfOrder = 0;
  let nextHeap = total / 10;
  const t0 = Date.now();
  for await (const c of inlet.chunks()) {
    const now = lslClock();
    const d = c.data as Float32Array;
    for (let s = 0; s < c.count; s++) {
      const k = d[s * CHANNELS]!;
      if (k !== expected) {
        if (k > expected) gaps += k - expected;
        else outOfOrder++;
      }
      expected = k + 1;
      if (received < total) lat[received] = (now - c.timestamps[s]!) * 1000;
      received++;
    }
    if (received >= nextHeap) {
      nextHeap += total / 10;
      mainHeap.push(heapMb());
    }
    if (received >= total || (done && Date.now() - t0 > seconds * 1000 + 5000)) break;
  }
  const heap1 = heapMb();
  while (!done) await new Promise((r) => setTimeout(r, 20));
  inlet.close();
  const sorted = lat.slice(0, Math.min(received, total)).sort();
  const fmt = (x: number) => x.toFixed(3);
  console.log(`LSL loopback: ${RATE} Hz x ${CHANNELS} ch float32, ${seconds} s, outlet in a worker thread, 1 ms push timer`);
  console.log(`latency ms (receive - timestamp): p50 ${fmt(quantile(sorted, 0.5))}  p99 ${fmt(quantile(sorted, 0.99))}  p99.9 ${fmt(quantile(sorted, 0.999))}  max ${fmt(sorted[sorted.length - 1] ?? NaN)}`);
  console.log(`samples: sent ${done.sent}  received ${received}  lost ${done.sent! - received}  gaps ${gaps}  out-of-order ${outOfOrder}  dropped (outlet ${done.dropped}, inlet ${inlet.dropped})`);
  console.log(`heap MB after GC, inlet thread: start ${fmt(heap0)}  end ${fmt(heap1)}  (trace ${mainHeap.map((h) => h.toFixed(2)).join(' ')})`);
  console.log(`heap MB after GC, outlet thread: start ${fmt(workerHeap[0] ?? NaN)}  end ${fmt(done.heap!)}  (trace ${workerHeap.map((h) => h.toFixed(2)).join(' ')})`);
  const ok = quantile(sorted, 0.99) < 5 && done.sent === received && gaps === 0;
  console.log(`targets (p99 < 5 ms, 0 lost): ${ok ? 'met' : 'NOT met'}`);
  await worker.terminate();
}

if (isMainThread) await main();
else await outletMain((workerData as { seconds: number }).seconds);
