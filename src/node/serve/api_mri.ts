// API of the MRI page: `dendrite segment` runs (a folder with labels.nii.gz and results.json),
// each with its classes (names, colours, volumes), the two volumes niivue draws (the input T1 and
// the labels), and Dice per label against a reference segmentation: reference.nii[.gz] in the
// run folder, or another run's labels named by ?ref=<root>/<run>.
//
// The input T1 is input.nii[.gz] in the run folder (inside it after symlinks), else the file
// results.json names as `input`. That name must be absolute (`segment` stores resolve(path); a
// relative one would be read against wherever the server happens to run), and it is served only
// when both the name and its realpath end in .nii/.nii.gz and the realpath is a regular file, so
// neither a tampered results.json nor a link such as evil.nii -> /etc/hostname hands out other
// files; the bytes are read from the realpath checked.

import { readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { DendriteError, FormatError, RequestError } from '../../errors.js';
import { readNifti } from '../../io/nifti/index.js';
import { dicePerLabel, meanDice } from '../../neuro/seg_metrics.js';
import { defaultColors } from '../../report/segmentation_report.js';
import { checkName, insideRoot, NAME, type RunRoot } from './paths.js';
import { Raw, type Route, type RouteContext } from './route.js';
import { readCapped, readJson } from './runs.js';

const SEG = '([^/]+)';
const MAX_VOLUME_BYTES = 512 << 20;
const MAX_COLORMAP_BYTES = 1 << 20;
const NIFTI = /\.nii(\.gz)?$/;

export interface MriClass {
  label: number;
  name: string;
  color: [number, number, number];
  voxels: number;
  mm3: number;
}

interface SegmentResults {
  input?: unknown;
  shape?: unknown;
  model?: unknown;
  classes?: unknown;
}

/** brainchop's colormap*.json beside the model ({R, G, B, labels}) with `n` entries, if any. */
function modelColors(model: unknown, n: number): [number, number, number][] | null {
  if (typeof model !== 'string') return null;
  let files: string[];
  try {
    files = readdirSync(model).filter((f) => /^colormap\d*\.json$/.test(f)).sort();
  } catch {
    return null;
  }
  for (const f of files) {
    try {
      const c = JSON.parse(new TextDecoder().decode(readCapped(join(model, f), MAX_COLORMAP_BYTES)!)) as { R?: unknown; G?: unknown; B?: unknown };
      const [R, G, B] = [c.R, c.G, c.B];
      if (Array.isArray(R) && Array.isArray(G) && Array.isArray(B) && R.length === n && G.length === n && B.length === n) {
        return R.map((r, k) => [Number(r), Number(G[k]), Number(B[k])]);
      }
    } catch {
      // not a colormap this page can use: try the next
    }
  }
  return null;
}

function results(dir: string): SegmentResults {
  const r = readJson(join(dir, 'results.json')) as SegmentResults | null;
  if (!r || !Array.isArray(r.classes)) throw new RequestError(`run '${dir}' is not a segment run (no results.json with classes)`, 404);
  return r;
}

/** The classes of results.json; a label that is not a non-negative integer is a FormatError (400) naming it. */
function classes(r: SegmentResults, dir: string): MriClass[] {
  const list = r.classes as ({ label?: unknown; name?: unknown; voxels?: unknown; mm3?: unknown } | null)[];
  const colors = modelColors(r.model, list.length);
  const defaults = defaultColors(list.length);
  return list.map((c0, k) => {
    const c = c0 !== null && typeof c0 === 'object' ? c0 : {};
    const label = c.label ?? k;
    if (typeof label !== 'number' || !Number.isInteger(label) || label < 0) {
      throw new FormatError(`${join(dir, 'results.json')}: classes[${k}].label ${JSON.stringify(label)?.slice(0, 50)} is not a non-negative integer`);
    }
    return {
      label, name: String(c.name ?? `label ${k}`), color: colors?.[k] ?? defaults[k]!,
      voxels: Number(c.voxels ?? 0), mm3: Number(c.mm3 ?? 0),
    };
  });
}

/** The input T1 of a run, if it is still there (see the file comment). */
function inputPath(dir: string, r: SegmentResults): string | null {
  for (const name of ['input.nii.gz', 'input.nii']) {
    try {
      if (statSync(join(dir, name)).isFile()) return insideRoot('input', dir, [name]);
    } catch {
      // not copied into the run folder
    }
  }
  if (typeof r.input !== 'string' || !isAbsolute(r.input) || !NIFTI.test(r.input)) return null;
  try {
    const real = realpathSync(r.input);
    return NIFTI.test(real) && statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

function labelsOf(path: string, what: string): { data: ArrayLike<number>; shape: number[] } {
  const bytes = readCapped(path, MAX_VOLUME_BYTES);
  if (bytes === null) throw new RequestError(`${what} '${path}' not found`, 404);
  try {
    const img = readNifti(bytes, path, { data: 'raw' });
    return { data: img.data as ArrayLike<number>, shape: img.shape.slice(0, 3) };
  } catch (e) {
    if (e instanceof DendriteError) throw new RequestError(`${what}: ${e.message}`, 400);
    throw e;
  }
}

/** The reference segmentation a run is compared with: ?ref=<root>/<run>, else reference.nii[.gz] in the run. */
function referencePath(ctx: RouteContext, dir: string): { path: string; name: string } | null {
  const ref = ctx.url.searchParams.get('ref');
  if (ref !== null) {
    const m = /^([^/]+)\/([^/]+)$/.exec(ref);
    if (!m) throw new RequestError(`ref '${ref.slice(0, 200)}' must be <root>/<run>`, 400);
    const other = ctx.runDir(encodeURIComponent(m[1]!), encodeURIComponent(m[2]!));
    return { path: insideRoot('labels', other, ['labels.nii.gz']), name: ref };
  }
  for (const name of ['reference.nii.gz', 'reference.nii']) {
    try {
      if (statSync(join(dir, name)).isFile()) return { path: insideRoot('reference', dir, [name]), name };
    } catch {
      // none here
    }
  }
  return null;
}

function dice(ctx: RouteContext, dir: string, cls: MriClass[]): { reference: string; perLabel: { label: number; name: string; dice: number | null }[]; mean: number | null } | null {
  const ref = referencePath(ctx, dir);
  if (!ref) return null;
  const a = labelsOf(join(dir, 'labels.nii.gz'), 'labels');
  const b = labelsOf(ref.path, 'reference');
  if (a.shape.join() !== b.shape.join()) throw new RequestError(`reference '${ref.name}' has shape [${b.shape.join(', ')}], the labels [${a.shape.join(', ')}]`, 400);
  const wanted = cls.map((c) => c.label).filter((l) => l !== 0);
  const d = dicePerLabel(a.data, b.data, a.shape, wanted);
  const fin = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    reference: ref.name,
    perLabel: wanted.map((l) => ({ label: l, name: cls.find((c) => c.label === l)!.name, dice: fin(d.get(l)!) })),
    mean: fin(meanDice(d)),
  };
}

/** Segment runs: folders holding labels.nii.gz and results.json. */
export function listSegmentRuns(roots: readonly RunRoot[]): { id: string; input: string | null; classes: number }[] {
  const out: { id: string; input: string | null; classes: number }[] = [];
  for (const r of roots) {
    let names: string[];
    try {
      names = readdirSync(r.dir, { withFileTypes: true }).filter((e) => e.isDirectory() && NAME.test(e.name)).map((e) => e.name).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = join(r.dir, name);
      try {
        if (!statSync(join(dir, 'labels.nii.gz')).isFile()) continue;
        const res = readJson(join(dir, 'results.json')) as SegmentResults | null;
        if (!res || !Array.isArray(res.classes)) continue;
        out.push({ id: `${r.label}/${name}`, input: typeof res.input === 'string' ? res.input : null, classes: res.classes.length });
      } catch {
        // not a segment run
      }
    }
  }
  return out;
}

function volume(path: string): Raw {
  const b = readCapped(path, MAX_VOLUME_BYTES);
  if (b === null) throw new RequestError(`volume '${path}' not found`, 404);
  return new Raw(b, 'application/octet-stream');
}

export const MRI_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/api\/mri\/runs$/, handle: (ctx) => ({ runs: listSegmentRuns(ctx.roots) }) },
  {
    method: 'GET', pattern: new RegExp(`^/api/mri/${SEG}/${SEG}$`),
    handle: (ctx) => {
      const dir = ctx.runDir(ctx.groups[0]!, ctx.groups[1]!);
      const r = results(dir);
      const cls = classes(r, dir);
      const base = `/api/mri/${ctx.groups[0]}/${ctx.groups[1]}`;
      const input = inputPath(dir, r);
      return {
        id: `${checkName('run root', ctx.groups[0]!)}/${checkName('run', ctx.groups[1]!)}`,
        input: input === null ? null : { url: `${base}/input${input.endsWith('.gz') ? '.nii.gz' : '.nii'}`, path: typeof r.input === 'string' ? r.input : input },
        labels: { url: `${base}/labels.nii.gz` },
        shape: r.shape ?? null, model: typeof r.model === 'string' ? r.model : null,
        classes: cls, dice: dice(ctx, dir, cls),
      };
    },
  },
  {
    method: 'GET', pattern: new RegExp(`^/api/mri/${SEG}/${SEG}/labels\\.nii\\.gz$`),
    handle: (ctx) => volume(insideRoot('labels', ctx.runDir(ctx.groups[0]!, ctx.groups[1]!), ['labels.nii.gz'])),
  },
  {
    method: 'GET', pattern: new RegExp(`^/api/mri/${SEG}/${SEG}/input\\.nii(?:\\.gz)?$`),
    handle: (ctx) => {
      const dir = ctx.runDir(ctx.groups[0]!, ctx.groups[1]!);
      const p = inputPath(dir, results(dir));
      if (p === null) throw new RequestError(`run '${ctx.groups[1]}': its input volume is no longer where results.json says`, 404);
      return volume(p);
    },
  },
];
