// Real-time decoding in the page: subscribes to a `dendrite stream relay` WebSocket, runs a saved
// decoder on dendrite's engine here (Web Worker threads when the page is cross-origin isolated),
// drives the cursor task on a canvas and shows page and end-to-end latency percentiles as it
// runs. Query: ?relay=ws://127.0.0.1:8765/&model=<decoder folder under --runs>&start=1.
// The state is on window.__dendriteRealtime for scripts and tests.
import uPlot from 'uplot';
import { ArgumentError, FormatError, StreamLostError } from '../../errors.js';
import { backend, threadsReady, workerTaskCount } from '../../kernels/registry.js';
import { setNumThreads } from '../../kernels/wasm/threads.js';
import type { SavedModelFiles } from '../../stream/runtime/saved_decoder.js';
import { decoderFromFiles, fetchDecoder, listDecoders } from '../client/realtime_api.js';
import { parseRelayHello, type RelayHello } from '../client/realtime_frame.js';
import { checkWeights, RealtimeSession, type SessionOutput, type SessionStatus } from '../client/realtime_session.js';
import { el, mountLayout } from '../client/layout.js';
import { CursorTask } from '../client/realtime_view.js';

interface RealtimeState {
  state: 'idle' | 'loading' | 'connecting' | 'running' | 'closed' | 'error';
  error: string | null;
  hello: RelayHello | null;
  engine: { backend: string; threads: number; isolated: boolean } | null;
  /** Kernel tasks the Web Worker threads ran so far (0: every kernel ran on the page's thread). */
  workerTasks(): number;
  outputs(): SessionOutput[];
  status(): SessionStatus | null;
}

const LATENCY_POINTS = 600;

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');

function mount(root: HTMLElement): void {
  const q = new URLSearchParams(location.search);
  let session: RealtimeSession | null = null;
  let ws: WebSocket | null = null;
  const api: RealtimeState = {
    state: 'idle', error: null, hello: null, engine: null,
    outputs: () => session?.outputs ?? [],
    status: () => session?.status() ?? null,
    workerTasks: () => workerTaskCount(),
  };
  (window as unknown as { __dendriteRealtime: RealtimeState }).__dendriteRealtime = api;

  const form = el('div', { class: 'rt-form' });
  const relay = el('input', { id: 'rt-relay', size: '32', value: q.get('relay') ?? 'ws://127.0.0.1:8765/' });
  const select = el('select', { id: 'rt-model' });
  const files = el('input', { id: 'rt-files', type: 'file', multiple: '' });
  const start = el('button', { id: 'rt-start' }, 'Start');
  const stop = el('button', { id: 'rt-stop' }, 'Stop');
  form.append(el('label', {}, 'relay '), relay, el('label', {}, ' decoder '), select, el('label', {}, ' or files '), files, start, stop);
  const status = el('p', { id: 'rt-status' }, 'idle');
  const canvas = el('canvas', { id: 'rt-canvas', width: '480', height: '550' });
  const table = el('table', { id: 'rt-latency', class: 'dd-table' });
  const plotBox = el('div', { id: 'rt-plot' });
  const side = el('div', { class: 'rt-side' });
  side.append(table, plotBox);
  const row = el('div', { class: 'rt-row', style: 'display:flex;gap:24px;align-items:flex-start' });
  row.append(canvas, side);
  root.append(form, status, row);

  const say = (s: string) => { status.textContent = s; };
  const fail = (e: unknown) => {
    api.state = 'error';
    api.error = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    say(`error: ${api.error}`);
    ws?.close();
  };

  const xs: number[] = [], page: number[] = [], e2e: number[] = [];
  const plot = new uPlot({
    width: 420, height: 220, title: 'latency per output (ms)',
    scales: { x: { time: false } },
    series: [{ label: 'output' }, { label: 'page', stroke: '#4fc3f7' }, { label: 'end-to-end', stroke: '#f2b134' }],
    axes: [{}, { label: 'ms' }],
  }, [xs, page, e2e], plotBox);

  function drawTable(st: SessionStatus): void {
    const rows: [string, string, string][] = [
      ['', 'page', 'end-to-end'],
      ['p50', fmt(st.page.p50), fmt(st.endToEnd.p50)],
      ['p95', fmt(st.page.p95), fmt(st.endToEnd.p95)],
      ['p99', fmt(st.page.p99), fmt(st.endToEnd.p99)],
      ['max', fmt(st.page.max), fmt(st.endToEnd.max)],
    ];
    table.replaceChildren(...rows.map((r, i) => {
      const tr = el('tr');
      for (const c of r) tr.append(el(i === 0 ? 'th' : 'td', {}, c));
      return tr;
    }));
  }

  async function engine(): Promise<void> {
    if (api.engine) return;
    const isolated = self.crossOriginIsolated === true;
    setNumThreads(isolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1);
    const threads = await threadsReady();
    api.engine = { backend: backend().name, threads, isolated };
  }

  async function loadDecoder(): Promise<{ files: SavedModelFiles; source: string }> {
    const picked = files.files ? Array.from({ length: files.files.length }, (_, i) => files.files!.item(i)!) : [];
    if (picked.length) return { files: await decoderFromFiles(picked), source: picked.map((f) => f.name).join('+') };
    const path = select.value;
    if (!path) throw new ArgumentError('realtime: choose a saved decoder (none found under --runs: save one with dendrite decode eeg --save)');
    return { files: await fetchDecoder(path), source: path };
  }

  async function run(): Promise<void> {
    ws?.close();
    session = null;
    // a new run starts its latency plot empty (Stop then Start)
    xs.length = 0;
    page.length = 0;
    e2e.length = 0;
    plot.setData([xs, page, e2e]);
    api.state = 'loading';
    api.error = null;
    say('loading the decoder and the engine…');
    await engine();
    const { files: saved, source } = await loadDecoder();
    await checkWeights(saved, source);
    api.state = 'connecting';
    say(`connecting to ${relay.value}…`);
    let task: CursorTask | null = null;
    const ctx = canvas.getContext('2d')!;
    const sock = new WebSocket(relay.value);
    sock.binaryType = 'arraybuffer';
    ws = sock;
    let frame = 0;
    const redraw = () => {
      frame = 0;
      if (!session || !task) return;
      task.draw(ctx, canvas.width, canvas.height);
      const st = session.status();
      drawTable(st);
      plot.setData([xs, page, e2e]);
      const e = api.engine!;
      say(`${api.hello!.name}: ${st.samples} samples, ${st.outputs} outputs, relay dropped ${st.relayDropped} frames; ${e.backend}, ${e.threads} thread${e.threads > 1 ? 's' : ''}${e.isolated ? ' (cross-origin isolated)' : ''}`);
    };
    sock.onmessage = (m: MessageEvent) => {
      if (sock !== ws) return;
      try {
        if (typeof m.data === 'string') {
          const hello = parseRelayHello(m.data);
          api.hello = hello;
          session = new RealtimeSession(saved, source, hello);
          const d = session.decoder;
          task = new CursorTask(d.kind === 'eeg' ? d.classes : d.outputs, d.kind);
          api.state = 'running';
          say(`${hello.name}: ${hello.channelCount} channels at ${hello.nominalSrate} Hz; waiting for samples`);
          return;
        }
        if (!session || !task) throw new FormatError(`realtime: relay ${relay.value} sent samples before its info message`);
        const now = performance.now();
        for (const o of session.onFrame(m.data as ArrayBuffer, now)) {
          task.step(o);
          xs.push(session.outputCount);
          page.push(o.pageMs);
          e2e.push(o.endToEndMs);
          if (xs.length > LATENCY_POINTS) { xs.shift(); page.shift(); e2e.shift(); }
        }
        if (!frame) frame = requestAnimationFrame(redraw);
      } catch (e) {
        fail(e);
      }
    };
    sock.onerror = () => { if (sock === ws) fail(new StreamLostError(`realtime: WebSocket ${relay.value} failed`)); };
    sock.onclose = () => {
      if (sock !== ws || api.state === 'error') return;
      api.state = 'closed';
      redraw();
      say(`${status.textContent ?? ''} — stream closed`);
    };
  }

  start.onclick = () => { run().catch(fail); };
  stop.onclick = () => { ws?.close(); };
  listDecoders().then((list) => {
    select.replaceChildren(...list.map((d) => el('option', { value: d.path }, `${d.path} (${d.model}: ${d.targets.join('/')})`)));
    const want = q.get('model');
    if (want !== null && !list.some((d) => d.path === want)) select.append(el('option', { value: want }, want));
    if (want !== null) select.value = want;
    if (q.get('start') === '1') start.click();
  }).catch(fail);
}

mount(mountLayout('realtime', 'Real-time decoding'));
