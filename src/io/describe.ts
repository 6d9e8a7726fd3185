// Format detection and a one-screen summary of any supported file (`dendrite info`).
// Bytes in: the caller reads the file (Node) or a Blob (browser).

import { FormatError } from '../errors.js';
import type { Recording } from './types.js';
import { readEdf } from './edf/index.js';
import { readGdf } from './gdf/index.js';
import { readNifti } from './nifti/index.js';
import { readMat } from './mat/index.js';
import { decodeSafetensors } from './safetensors/index.js';

export type FileFormat = 'edf' | 'bdf' | 'gdf' | 'nifti' | 'mat' | 'safetensors';

/** Recognises a file by its magic bytes (falling back to the name's extension). */
export function detectFormat(bytes: Uint8Array, name = ''): FileFormat {
  const ascii = (a: number, b: number) => String.fromCharCode(...bytes.subarray(a, b));
  if (bytes.length >= 8 && bytes[0] === 0xff && ascii(1, 8) === 'BIOSEMI') return 'bdf';
  if (bytes.length >= 8 && ascii(0, 8) === '0       ') return 'edf';
  if (bytes.length >= 3 && ascii(0, 3) === 'GDF') return 'gdf';
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b && /\.nii\.gz$/i.test(name)) return 'nifti';
  if (bytes.length >= 348) {
    const le = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const h = le.getInt32(0, true);
    const hb = le.getInt32(0, false);
    if (h === 348 || h === 540 || hb === 348 || hb === 540) return 'nifti';
  }
  if (bytes.length >= 128 && ascii(0, 6) === 'MATLAB') return 'mat';
  if (/\.safetensors$/i.test(name)) return 'safetensors';
  throw new FormatError(`${name || '<bytes>'}: not a recognised EDF, BDF, GDF, NIfTI, MATLAB or safetensors file (first bytes ${JSON.stringify(ascii(0, Math.min(8, bytes.length)))})`);
}

function recordingSummary(kind: string, rec: Recording, warnings: readonly string[]): string[] {
  const h = rec.header;
  const rates = [...new Set(h.channels.map((c) => c.sfreq))];
  const lines = [
    `format       ${h.format} (${kind})`,
    `start        ${h.startTime ? h.startTime.toISOString() : 'unknown'}`,
    `patient      ${h.patient || '-'}`,
    `recording    ${h.recording || '-'}`,
    `duration     ${h.duration.toFixed(3)} s (${h.nRecords} records × ${h.recordDuration} s)`,
    `channels     ${h.channels.length} at ${rates.map((r) => `${r} Hz`).join(', ')}`,
  ];
  for (const [i, c] of h.channels.entries()) {
    lines.push(`  ${String(i).padStart(3)} ${c.name.padEnd(16)} ${c.type.padEnd(5)} ${String(c.sfreq).padStart(7)} Hz  ${c.unit || '-'}  [${c.physicalMin}, ${c.physicalMax}]`);
  }
  const counts = new Map<string, number>();
  for (const a of h.annotations) counts.set(a.description, (counts.get(a.description) ?? 0) + 1);
  lines.push(`annotations  ${h.annotations.length}${counts.size ? `: ${[...counts].map(([d, n]) => `${d} ×${n}`).join(', ')}` : ''}`);
  for (const w of warnings) lines.push(`warning      ${w}`);
  return lines;
}

/** Human-readable header summary of a file of any supported format. */
export function describe(bytes: Uint8Array, name = '<bytes>'): string {
  const fmt = detectFormat(bytes, name);
  switch (fmt) {
    case 'edf':
    case 'bdf': {
      const r = readEdf(bytes, name);
      return recordingSummary(fmt.toUpperCase(), r, r.warnings).join('\n');
    }
    case 'gdf': {
      const r = readGdf(bytes, name);
      return recordingSummary('GDF', r, r.warnings).join('\n');
    }
    case 'nifti': {
      const n = readNifti(bytes, name);
      const aff = n.affine.map((row) => row.map((v) => v.toFixed(3).padStart(9)).join(' '));
      return [
        `format       NIfTI-${n.version} (${n.littleEndian ? 'little' : 'big'}-endian)`,
        `shape        ${n.shape.join(' × ')}  ${n.dtype}`,
        `voxel size   ${n.zooms.map((z) => z.toFixed(3)).join(' × ')}`,
        `scaling      slope ${n.slope}, intercept ${n.inter}`,
        `affine (${n.affineSource})`,
        ...aff.map((r) => `  ${r}`),
        `extensions   ${n.extensions.length}`,
      ].join('\n');
    }
    case 'mat': {
      const vars = readMat(bytes, name);
      const lines = [`format       MATLAB 5.0 MAT-file`];
      for (const [k, v] of Object.entries(vars)) {
        const dims = 'dims' in v ? (v.dims as number[]).join('×') : '';
        lines.push(`  ${k.padEnd(24)} ${v.class.padEnd(8)} ${dims}`);
      }
      return lines.join('\n');
    }
    case 'safetensors': {
      const { tensors, metadata } = decodeSafetensors(bytes, name);
      const lines = [`format       safetensors, ${Object.keys(tensors).length} tensors`];
      for (const [k, t] of Object.entries(tensors)) lines.push(`  ${k.padEnd(40)} ${t.dtype.padEnd(4)} (${t.shape.join(', ')})`);
      if (Object.keys(metadata).length) lines.push(`metadata     ${JSON.stringify(metadata)}`);
      return lines.join('\n');
    }
  }
}
