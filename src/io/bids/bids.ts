// BIDS-EEG data sets: find every `sub-*/[ses-*/]eeg/*_eeg.{edf,bdf}` recording and gather its
// sidecars (_channels.tsv, _events.tsv, _eeg.json, with the inheritance principle for JSON)
// and the participants.tsv row. File access goes through a small interface, so the same code
// walks a folder in Node (src/node/bids.ts) or files handed over in a browser.

import { FormatError } from '../../errors.js';
import type { Annotation, Recording } from '../types.js';
import { readEdf } from '../edf/index.js';
import { parseTsv, type Table } from './tsv.js';

export interface BidsFiles {
  /** Entries of a folder (names only), or [] when it does not exist. */
  list(dir: string): { name: string; isDir: boolean }[];
  readText(path: string): string;
  readBytes(path: string): Uint8Array;
  exists(path: string): boolean;
}

export interface BidsEntities {
  sub: string;
  ses?: string;
  task?: string;
  acq?: string;
  run?: string;
  [key: string]: string | undefined;
}

export interface BidsRecording {
  entities: BidsEntities;
  /** Path of the data file, relative to the data-set root. */
  path: string;
  format: 'edf' | 'bdf';
  /** _eeg.json merged from the root down (nearest file wins), or {}. */
  sidecar: Record<string, unknown>;
  channels: Table | null;
  events: Table | null;
  /** This subject's participants.tsv row, if any. */
  participant: Record<string, string | null> | null;
  /** Reads and parses the data file. */
  open(): Recording;
  /** The events table as annotations (description from trial_type, else value). */
  annotations(): Annotation[];
}

const join = (...p: string[]) => p.filter(Boolean).join('/');

/** Entities of a BIDS file name: sub-01_ses-2_task-mi_run-3_eeg.edf → {sub: '01', ...}. */
export function parseEntities(name: string): BidsEntities {
  const stem = name.replace(/\.[^.]+$/, '');
  const parts = stem.split('_');
  const out: Record<string, string> = {};
  for (const p of parts.slice(0, -1)) {
    const i = p.indexOf('-');
    if (i <= 0) throw new FormatError(`BIDS: '${name}' has a malformed entity '${p}' (expected key-value)`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  if (!out['sub']) throw new FormatError(`BIDS: '${name}' has no sub- entity`);
  return out as BidsEntities;
}

function readJson(fs: BidsFiles, path: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(fs.readText(path));
  } catch (e) {
    throw new FormatError(`BIDS: ${path}: invalid JSON (${(e as Error).message})`);
  }
  // a sidecar is a JSON object; merging an array or a string would scatter its items as keys
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new FormatError(`BIDS: ${path}: a sidecar must be a JSON object, got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v}`);
  }
  return v as Record<string, unknown>;
}

/** Copies own keys as own properties: Object.assign would turn a `__proto__` key into a prototype. */
function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) Object.defineProperty(into, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A finite decimal number, else null: not the hex/binary/octal forms JS's Number() also takes, not Infinity, not an empty cell. */
function decimal(text: string | null | undefined): number | null {
  if (text === null || text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

/** Walks a BIDS data set and returns its EEG recordings in path order. */
export function findBidsEeg(fs: BidsFiles, root: string): BidsRecording[] {
  if (!fs.exists(join(root, 'dataset_description.json'))) {
    throw new FormatError(`BIDS: ${root} has no dataset_description.json; is it the root of a BIDS data set?`);
  }
  const participants = fs.exists(join(root, 'participants.tsv')) ? parseTsv(fs.readText(join(root, 'participants.tsv')), join(root, 'participants.tsv')) : null;
  const out: BidsRecording[] = [];
  const subjects = fs.list(root).filter((e) => e.isDir && e.name.startsWith('sub-')).map((e) => e.name).sort();
  for (const sub of subjects) {
    const sessions = fs.list(join(root, sub)).filter((e) => e.isDir && e.name.startsWith('ses-')).map((e) => e.name).sort();
    const dirs = sessions.length ? sessions.map((s) => join(sub, s, 'eeg')) : [join(sub, 'eeg')];
    for (const dir of dirs) {
      for (const f of fs.list(join(root, dir)).map((e) => e.name).sort()) {
        const m = /^(.*)_eeg\.(edf|bdf)$/i.exec(f);
        if (!m) continue;
        const base = m[1]!;
        const entities = parseEntities(f);
        const rel = join(dir, f);
        const tsv = (suffix: string) => {
          const p = join(root, dir, `${base}_${suffix}.tsv`);
          return fs.exists(p) ? parseTsv(fs.readText(p), p) : null;
        };
        // inheritance: task-level JSON at the root, then subject, session, then the file's own
        const jsonCandidates = [
          join(root, `task-${entities.task}_eeg.json`),
          join(root, sub, `${sub}_task-${entities.task}_eeg.json`),
          join(root, dir, `${base}_eeg.json`),
        ];
        const sidecar: Record<string, unknown> = {};
        for (const p of jsonCandidates) if (fs.exists(p)) merge(sidecar, readJson(fs, p));
        const events = tsv('events');
        const participant = participants?.rows.find((r) => r['participant_id'] === `sub-${entities.sub}`) ?? null;
        const format = m[2]!.toLowerCase() as 'edf' | 'bdf';
        out.push({
          entities,
          path: rel,
          format,
          sidecar,
          channels: tsv('channels'),
          events,
          participant,
          open: () => readEdf(fs.readBytes(join(root, rel)), join(root, rel)),
          annotations: () => {
            if (!events) return [];
            if (!events.columns.includes('onset')) throw new FormatError(`BIDS: events of ${rel} have no onset column`);
            return events.rows.map((r, i) => {
              const onset = decimal(r['onset']);
              if (onset === null) throw new FormatError(`BIDS: events of ${rel}, row ${i + 2}: onset '${r['onset'] ?? 'n/a'}' is not a number`);
              // 'n/a' (or no duration column) means 0, as in MNE-BIDS; anything else must be a number
              const d = r['duration'] === null || r['duration'] === undefined ? 0 : decimal(r['duration']);
              if (d === null) throw new FormatError(`BIDS: events of ${rel}, row ${i + 2}: duration '${r['duration']}' is not a number`);
              return { onset, duration: d, description: r['trial_type'] ?? r['value'] ?? 'n/a' };
            });
          },
        });
      }
    }
  }
  return out;
}
