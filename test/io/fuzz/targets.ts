// What the reader fuzz test feeds to which reader. A target names its source (a real file from the
// shared data, a committed golden file, or a data set built in memory), how case i is made from
// it, and what counts as reading it. Shared by the test (to name and re-create a case) and by the
// child process that runs the cases (fuzz_child.ts).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'fflate';
import { Generator, bids, decodeSafetensors, parseIdx, readEdf, readGdf, readMat, readNifti, toFloat32 } from '../../../src/index.js';
import { openNpz, readNpy, readNpz } from '../../../src/io/npz/index.js';
import { DATA, dataPath } from '../../helpers/data.js';
import { SAFETENSORS_MANY, caseSeed, flipAnywhere, mutateBytes, mutateEdfField, mutateGdfField, mutateSafetensors, safetensorsMany, type Mutation } from './mutate.js';

export interface Target {
  name: string;
  /** Files the target needs (a missing shared-data file skips it, or fails it under CI). */
  needs: string[];
  cases: number;
  /** The unmutated input. */
  load(): Uint8Array;
  /** Case i: a pure function of the source and the case's seed. */
  make(src: Uint8Array, i: number): Mutation;
  /** Reads the input as a user would; throws what the reader throws. */
  run(bytes: Uint8Array, i: number): void;
}

type Readable = { header: { duration: number }; read(o?: { tmin?: number; tmax?: number }): unknown };
/** The first second, the last second, and everything for the header-field cases (i % 3 == 2) and every
 *  eighth other case (to keep the run short): a header that lies about the length must give an
 *  error, not an allocation beyond the RSS bound. */
const readSome = (rec: Readable, i: number) => {
  rec.read({ tmin: 0, tmax: Math.min(1, rec.header.duration) });
  rec.read({ tmin: Math.max(0, rec.header.duration - 1) });
  if (i % 3 === 2 || i % 8 === 0) rec.read();
};

type FieldMutation = (src: Uint8Array, g: Generator) => Mutation;

/** A target whose cases are byte mutations of one file (every third case a header-field mutation, when given). */
function fileTarget(name: string, path: string, cases: number, headerBytes: number, run: (b: Uint8Array, i: number) => void, prepare?: (b: Uint8Array) => Uint8Array, field?: FieldMutation): Target {
  return {
    name,
    needs: path.startsWith(DATA) ? [path] : [], // a committed file is always there: missing, it fails
    cases,
    load: () => {
      const b = new Uint8Array(readFileSync(path));
      return prepare ? prepare(b) : b;
    },
    make: (src, i) => {
      const g = new Generator(caseSeed(name, i));
      return field && i % 3 === 2 ? field(src, g) : mutateBytes(src, g, headerBytes);
    },
    run,
  };
}

// ---- BIDS: a small data set held in memory, its files packed as one JSON document ----

const BIDS_FILES: Record<string, string> = {
  'dataset_description.json': '{"Name":"fuzz","BIDSVersion":"1.8.0"}',
  'participants.tsv': 'participant_id\tage\tsex\nsub-01\t42\tF\nsub-02\tn/a\tM\n',
  'task-mi_eeg.json': '{"TaskName":"mi","PowerLineFrequency":60,"SamplingFrequency":160}',
  'sub-01/sub-01_task-mi_eeg.json': '{"EEGReference":"Cz"}',
  'sub-01/ses-1/eeg/sub-01_ses-1_task-mi_run-1_eeg.edf': '',
  'sub-01/ses-1/eeg/sub-01_ses-1_task-mi_run-1_channels.tsv': 'name\ttype\tunits\nFc5.\tEEG\tuV\nFc3.\tEEG\tuV\n',
  'sub-01/ses-1/eeg/sub-01_ses-1_task-mi_run-1_events.tsv': 'onset\tduration\ttrial_type\n0.0\t4.2\trest\n4.2\t4.1\tleft_hand\n8.3\tn/a\trest\n',
  'sub-01/ses-1/eeg/sub-01_ses-1_task-mi_run-1_eeg.json': '{"PowerLineFrequency":50}',
  'sub-02/eeg/sub-02_task-mi_run-1_eeg.bdf': '',
  'sub-02/eeg/sub-02_task-mi_run-1_events.tsv': 'onset\tduration\tvalue\n1.5\t0\t3\n',
};

// Contents are kept as Latin-1 strings so that any mutated byte survives the round trip.
const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join('');
const unlatin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const packBids = (files: Record<string, Uint8Array>) => new TextEncoder().encode(JSON.stringify(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, latin1(v)]))));
const unpackBids = (b: Uint8Array): Map<string, Uint8Array> => {
  const o = JSON.parse(new TextDecoder().decode(b)) as Record<string, string>;
  return new Map(Object.entries(o).map(([k, v]) => [k, unlatin1(v)]));
};

/** The BidsFiles view of an in-memory data set rooted at `root`. */
function memoryFiles(files: Map<string, Uint8Array>, root: string): bids.BidsFiles {
  const rel = (p: string) => (p === root ? '' : p.startsWith(`${root}/`) ? p.slice(root.length + 1) : null);
  return {
    list(dir) {
      const d = rel(dir);
      if (d === null) return [];
      const prefix = d === '' ? '' : `${d}/`;
      const seen = new Map<string, boolean>();
      for (const p of files.keys()) {
        if (!p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length).split('/');
        seen.set(rest[0]!, (seen.get(rest[0]!) ?? false) || rest.length > 1);
      }
      return [...seen].map(([name, isDir]) => ({ name, isDir }));
    },
    readText: (p) => new TextDecoder().decode(files.get(rel(p) ?? '') ?? new Uint8Array()),
    readBytes: (p) => files.get(rel(p) ?? '') ?? new Uint8Array(),
    exists: (p) => {
      const r = rel(p);
      return r !== null && (files.has(r) || [...files.keys()].some((k) => k.startsWith(`${r}/`)));
    },
  };
}

const bidsTarget: Target = {
  name: 'BIDS',
  needs: [],
  cases: 600,
  load: () => packBids(Object.fromEntries(Object.entries(BIDS_FILES).map(([k, v]) => [k, new TextEncoder().encode(v)]))),
  make: (src, i) => {
    const g = new Generator(caseSeed('BIDS', i));
    const files = unpackBids(src);
    const paths = [...files.keys()];
    const path = paths[g.int(0, paths.length)]!;
    if (g.random() < 0.2) { // rename: change, drop or double one character of the file name
      const dir = path.slice(0, path.lastIndexOf('/') + 1);
      const base = path.slice(dir.length);
      const at = g.int(0, base.length);
      const c = '-_.xs0/'[g.int(0, 7)]!;
      const kind = g.int(0, 3);
      const nb = kind === 0 ? base.slice(0, at) + c + base.slice(at + 1) : kind === 1 ? base.slice(0, at) + base.slice(at + 1) : base.slice(0, at) + c + base.slice(at);
      const data = files.get(path)!;
      files.delete(path);
      files.set(dir + nb, data);
      return { bytes: packBids(Object.fromEntries(files)), what: `rename ${path} to ${dir + nb}` };
    }
    const m = mutateBytes(files.get(path)!, g, 64);
    files.set(path, m.bytes);
    return { bytes: packBids(Object.fromEntries(files)), what: `${path}: ${m.what}` };
  },
  run: (b) => {
    const recs = bids.findBidsEeg(memoryFiles(unpackBids(b), 'ds'), 'ds');
    for (const r of recs) {
      r.annotations();
      JSON.stringify(r.sidecar);
      void r.channels?.rows.length;
    }
  },
};

// ---- safetensors: the committed PyTorch state dict; structural header mutations and 100 k tensors ----

const safetensorsTarget: Target = {
  name: 'safetensors',
  needs: [],
  cases: 600,
  load: () => new Uint8Array(readFileSync(resolve('test/golden/safetensors/torch_state.safetensors'))),
  make: (src, i) => {
    const g = new Generator(caseSeed('safetensors', i));
    if (i < SAFETENSORS_MANY.length) return safetensorsMany(SAFETENSORS_MANY[i]!, g);
    if (i % 3 === 0) {
      const n = Number(new DataView(src.buffer, src.byteOffset).getBigUint64(0, true));
      return mutateBytes(src, g, 8 + n);
    }
    return mutateSafetensors(src, g);
  },
  run: (b) => {
    const { tensors } = decodeSafetensors(b, 'fuzz.safetensors');
    for (const t of Object.values(tensors)) toFloat32(t);
  },
};

const originals = new Map<string, Uint8Array>();
const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Throws (untyped, so the case fails) when a read that raised no error gives other values than the original. */
function sameAsOriginal(name: string, got: ArrayBufferView, original: () => ArrayBufferView): void {
  let want = originals.get(name);
  if (!want) originals.set(name, (want = bytesOf(original()).slice()));
  const g = bytesOf(got);
  let k = 0;
  while (k < Math.min(g.length, want.length) && g[k] === want[k]) k++;
  if (k < g.length || g.length !== want.length) {
    throw new Error(`silent corruption: decoded without an error, but the data differ from the original (${g.length} vs ${want.length} bytes, first difference at byte ${k})`);
  }
}

const edf = dataPath('eeg/edf-conformance/pyedflib/test_generator.edf');
const bdf = dataPath('eeg/edf-conformance/pyedflib/test_generator.bdf');
const gdf = dataPath('eeg/edf-conformance/mne-testing-data/test_1ch.gdf');
const nii = dataPath('nifti/nibabel/anatomical.nii');
const mat = dataPath('spikes/centuri-hatsopoulos-reach/Dataset1.mat');
const idx = dataPath('mnist/t10k-labels-idx1-ubyte.gz');
const npzLabels = dataPath('mri/voxelmorph/labels.npz');
const npyGolden = (n: string) => resolve('test/golden/npy', n);
/** Every array of an archive, in both memory orders. */
const readAllNpz = (b: Uint8Array, name: string) => {
  for (const a of Object.values(readNpz(b, name))) if (a.shape.length > 1) readNpz(b, name, { order: 'F' });
};

export const TARGETS: Target[] = [
  fileTarget('EDF+', edf, 1000, 256 * 13, (b, i) => readSome(readEdf(b, 'fuzz.edf'), i), undefined, mutateEdfField),
  fileTarget('BDF', bdf, 1000, 256 * 13, (b, i) => readSome(readEdf(b, 'fuzz.bdf'), i), undefined, mutateEdfField),
  fileTarget('GDF', gdf, 1000, 512, (b, i) => readSome(readGdf(b, 'fuzz.gdf'), i), undefined, mutateGdfField),
  // committed files: GDF 1.x, and 2.x with mixed types, rates and an event table of mode 3
  fileTarget('GDF 1 int32', resolve('test/golden/gdf/crafted_v1_int32.gdf'), 500, 256 * 4, (b, i) => readSome(readGdf(b, 'fuzz.gdf'), i), undefined, mutateGdfField),
  fileTarget('GDF 2 mixed', resolve('test/golden/gdf/crafted_v2_mixed.gdf'), 500, 256 * 5, (b, i) => readSome(readGdf(b, 'fuzz.gdf'), i), undefined, mutateGdfField),
  fileTarget('NIfTI', nii, 1000, 352, (b) => void readNifti(b, 'fuzz.nii')),
  {
    name: 'NIfTI .gz',
    needs: [nii],
    cases: 200,
    load: () => gzipSync(new Uint8Array(readFileSync(nii))),
    make: (src, i) => flipAnywhere(src, new Generator(caseSeed('NIfTI .gz', i)), 4),
    // a corrupt stream that decodes at all must decode to the original image (CRC32 and ISIZE)
    run: (b) => sameAsOriginal('NIfTI .gz', readNifti(b, 'fuzz.nii.gz').data, () => readNifti(readFileSync(nii), 'original.nii').data),
  },
  fileTarget('MAT', mat, 1000, 256, (b) => void readMat(b, 'fuzz.mat')),
  fileTarget('IDX', idx, 500, 8, (b) => void parseIdx(b, 'fuzz.idx'), (b) => gunzipSync(b)),
  {
    name: 'IDX .gz',
    needs: [idx],
    cases: 200,
    load: () => new Uint8Array(readFileSync(idx)),
    make: (src, i) => flipAnywhere(src, new Generator(caseSeed('IDX .gz', i)), 4),
    run: (b) => sameAsOriginal('IDX .gz', parseIdx(b, 'fuzz.idx.gz').data, () => parseIdx(readFileSync(idx), 'original.idx.gz').data),
  },
  safetensorsTarget,
  bidsTarget,
  fileTarget('NPY', npyGolden('v1_4d_i2_F.npy'), 500, 128, (b) => void readNpy(b, 'fuzz.npy', { order: 'C' })),
  fileTarget('NPY v3', npyGolden('v3_f4.npy'), 300, 128, (b) => void readNpy(b, 'fuzz.npy', { order: 'F' })),
  fileTarget('NPZ stored', npyGolden('stored.npz'), 500, 1460, (b) => readAllNpz(b, 'fuzz.npz')),
  fileTarget('NPZ zip64', npyGolden('zip64.npz'), 500, 729, (b) => readAllNpz(b, 'fuzz.npz')),
  {
    name: 'NPZ deflated',
    needs: [npzLabels],
    cases: 300,
    load: () => new Uint8Array(readFileSync(npzLabels)),
    make: (src, i) => {
      const g = new Generator(caseSeed('NPZ deflated', i));
      return i % 2 ? flipAnywhere(src, g, 3) : mutateBytes(src, g, src.length);
    },
    // the CRC-32 of each entry must catch every change to the data that still inflates
    run: (b) => sameAsOriginal('NPZ deflated', openNpz(b, 'fuzz.npz').get('labels').data, () => openNpz(readFileSync(npzLabels), 'labels.npz').get('labels').data),
  },
];

/** Readers that misbehave on purpose at known cases: they check that the watchdog names them. */
const misbehaving = (name: string, run: (i: number) => void): Target => ({
  name,
  needs: [],
  cases: 8,
  load: () => new Uint8Array(0),
  make: (_src, i) => ({ bytes: Uint8Array.of(i), what: `case ${i}` }),
  run: (b) => run(b[0]!),
});

export const SELF_TESTS: Target[] = [
  misbehaving('self-test: hangs at case 3', (i) => {
    if (i === 3) for (;;);
  }),
  misbehaving('self-test: grows without bound at case 2', (i) => {
    if (i !== 2) return;
    // 1 GiB, touched so that it is resident; bounded so that a platform without the parent's RSS
    // polling still ends the case (and the child's own peak-RSS check names it)
    const keep: Uint8Array[] = [];
    for (let k = 0; k < 64; k++) keep.push(new Uint8Array(1 << 24).fill(1));
  }),
  misbehaving('self-test: RangeError at cases 1 and 5', (i) => {
    if (i === 1 || i === 5) new Array(-1);
  }),
];

export function target(name: string): Target {
  const t = [...TARGETS, ...SELF_TESTS].find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target '${name}' (have ${TARGETS.map((x) => x.name).join(', ')})`);
  return t;
}
