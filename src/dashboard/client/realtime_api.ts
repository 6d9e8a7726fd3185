// What the real-time page asks of the server: the saved decoders under --runs, and a decoder's
// files (config.json and weights) as bytes. Failures are typed errors naming the URL and status.
import { FormatError, RequestError, StreamLostError } from '../../errors.js';
import { fetchJson } from './fetch.js';
import type { SavedModelFiles } from '../../stream/runtime/saved_decoder.js';

export interface DecoderEntry {
  /** Folder relative to --runs, '/'-separated. */
  path: string;
  kind: 'eeg' | 'spikes';
  model: string;
  /** EEG: class names; spikes: decoded outputs. */
  targets: string[];
  channels: number;
  sfreq: number | null;
}

async function get(url: string): Promise<Response> {
  let r: Response;
  try {
    r = await fetch(url, { cache: 'no-store' });
  } catch (e) {
    throw new StreamLostError(`GET ${url}: ${(e as Error).message}`);
  }
  if (!r.ok) {
    const text = await r.text().catch(() => '');
    throw new RequestError(`GET ${url}: HTTP ${r.status}${text ? `: ${text.slice(0, 200)}` : ''}`, r.status);
  }
  return r;
}

export async function listDecoders(): Promise<DecoderEntry[]> {
  const url = '/api/realtime/decoders';
  const j = await fetchJson<{ decoders?: unknown }>(url);
  if (!Array.isArray(j.decoders)) throw new FormatError(`GET ${url}: expected {decoders: [...]}, got ${JSON.stringify(j).slice(0, 80)}`);
  return j.decoders as DecoderEntry[];
}

/** The files of the decoder saved in `path` (relative to --runs). */
export async function fetchDecoder(path: string): Promise<SavedModelFiles> {
  const base = `/api/realtime/decoder/${path.split('/').map(encodeURIComponent).join('/')}`;
  const [config, weights] = await Promise.all([
    get(`${base}/config`).then((r) => r.json() as Promise<unknown>),
    get(`${base}/weights`).then(async (r) => new Uint8Array(await r.arrayBuffer())),
  ]);
  return { config, weights };
}

/** A decoder the user picked from disk: config.json and the weights file it names. */
export async function decoderFromFiles(files: readonly File[]): Promise<SavedModelFiles> {
  const cfg = files.find((f) => f.name === 'config.json');
  if (!cfg) throw new FormatError(`choose the decoder's config.json together with its weights file (got ${files.map((f) => f.name).join(', ') || 'nothing'})`);
  let config: unknown;
  try {
    config = JSON.parse(await cfg.text());
  } catch (e) {
    throw new FormatError(`config.json: not valid JSON (${(e as Error).message})`);
  }
  const name = (config as { weights?: { file?: unknown } } | null)?.weights?.file;
  const w = files.find((f) => f.name === name);
  if (typeof name !== 'string' || !w) throw new FormatError(`config.json names the weights file ${JSON.stringify(name)}; choose it too (got ${files.map((f) => f.name).join(', ')})`);
  return { config, weights: new Uint8Array(await w.arrayBuffer()) };
}
