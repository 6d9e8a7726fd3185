// API of the real-time page: the saved decoders under the --runs folders (a run folder that is a
// decoder folder — `decode eeg --save <runs>/<name>` — or holds one a level down) and a decoder's
// two files, which the page hands to pipelineFromSaved. Names are checked (paths.ts) and the
// files' sizes capped; the page checks the weights' SHA-256 against the config itself.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError, RequestError } from '../../errors.js';
import { checkName, insideRoot, NAME, type RunRoot } from './paths.js';
import { Raw, type Route, type RouteContext } from './route.js';
import { readCapped } from './runs.js';

const SEG = '([^/]+)';
const MAX_CONFIG_BYTES = 4 << 20;
const MAX_WEIGHTS_BYTES = 256 << 20;
const FORMATS = new Set(['dendrite-eeg-decoder', 'dendrite-spike-decoder']);
const MAX_LISTED = 500;

// the list entry is the page's own type, so the two sides cannot drift apart
export type { DecoderEntry } from '../../dashboard/client/realtime_api.js';
import type { DecoderEntry } from '../../dashboard/client/realtime_api.js';

/** The parsed config.json of a decoder folder, or null when the folder holds no saved decoder. */
function decoderConfig(dir: string): Record<string, unknown> | null {
  let bytes: Uint8Array | null;
  try {
    bytes = readCapped(join(dir, 'config.json'), MAX_CONFIG_BYTES);
  } catch {
    return null;
  }
  if (bytes === null) return null;
  try {
    const j = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown> | null;
    return j && typeof j === 'object' && FORMATS.has(j['format'] as string) ? j : null;
  } catch {
    return null;
  }
}

function entry(path: string, c: Record<string, unknown>): DecoderEntry {
  const strs = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  if (c['format'] === 'dendrite-spike-decoder') {
    const bw = c['binWidth'];
    return { path, kind: 'spikes', model: String(c['decoder'] ?? 'spikes'), targets: strs(c['outputs']), channels: Number(c['nUnits'] ?? 0), sfreq: typeof bw === 'number' && bw > 0 ? 1 / bw : null };
  }
  return { path, kind: 'eeg', model: String(c['model'] ?? 'eeg'), targets: strs(c['classNames']), channels: strs(c['chNames']).length, sfreq: typeof c['sfreq'] === 'number' ? c['sfreq'] : null };
}

const subdirs = (dir: string) => {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && NAME.test(e.name)).map((e) => e.name).sort();
  } catch {
    return [];
  }
};

/** Saved decoders in the run folders and one level below them. */
export function listDecoders(roots: readonly RunRoot[]): DecoderEntry[] {
  const out: DecoderEntry[] = [];
  for (const r of roots) {
    for (const name of subdirs(r.dir)) {
      const dir = join(r.dir, name);
      const c = decoderConfig(dir);
      if (c) out.push(entry(`${r.label}/${name}`, c));
      else for (const sub of subdirs(dir)) {
        const cs = decoderConfig(join(dir, sub));
        if (cs) out.push(entry(`${r.label}/${name}/${sub}`, cs));
      }
      if (out.length >= MAX_LISTED) return out;
    }
  }
  return out;
}

/** The decoder folder named by the URL's groups (root label, run, optional sub-folder). */
function decoderDir(ctx: RouteContext, sub: string | null): string {
  let dir = ctx.runDir(ctx.groups[0]!, ctx.groups[1]!);
  if (sub !== null) dir = insideRoot('decoder folder', dir, [checkName('decoder folder', sub)]);
  if (!statSync(dir).isDirectory() || decoderConfig(dir) === null) throw new RequestError(`'${ctx.groups.slice(0, sub === null ? 2 : 3).join('/')}' holds no saved decoder (config.json of format ${[...FORMATS].join(' or ')})`, 404);
  return dir;
}

function file(dir: string, what: string): Raw {
  const config = readCapped(join(dir, 'config.json'), MAX_CONFIG_BYTES);
  if (config === null) throw new RequestError(`'${dir}/config.json' vanished`, 404);
  if (what === 'config') return new Raw(config, 'application/json');
  const w = (JSON.parse(new TextDecoder().decode(config)) as { weights?: { file?: unknown } }).weights?.file;
  if (typeof w !== 'string') throw new FormatError(`${join(dir, 'config.json')}: field 'weights.file' must name the weights file, got ${JSON.stringify(w)}`);
  const path = insideRoot('weights', dir, [checkName('weights file', encodeURIComponent(w))]);
  const bytes = readCapped(path, MAX_WEIGHTS_BYTES);
  if (bytes === null) throw new RequestError(`weights '${w}' is not a regular file`, 404);
  return new Raw(bytes, 'application/octet-stream');
}

export const REALTIME_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/api\/realtime\/decoders$/, handle: (ctx) => ({ decoders: listDecoders(ctx.roots) }) },
  { method: 'GET', pattern: new RegExp(`^/api/realtime/decoder/${SEG}/${SEG}/(config|weights)$`), handle: (ctx) => file(decoderDir(ctx, null), ctx.groups[2]!) },
  { method: 'GET', pattern: new RegExp(`^/api/realtime/decoder/${SEG}/${SEG}/${SEG}/(config|weights)$`), handle: (ctx) => file(decoderDir(ctx, ctx.groups[2]!), ctx.groups[3]!) },
];
