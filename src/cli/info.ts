// `dendrite info <file>`: a header summary (format, channels, rates, duration, annotations) of
// any supported file.

import { readBytes } from '../node/fs.js';
import { describe } from '../io/describe.js';

export const INFO_HELP = `usage: dendrite info <file> [<file> ...]

Prints a header summary of EDF/EDF+/BDF/BDF+, GDF, NIfTI (.nii, .nii.gz), MATLAB .mat and
safetensors files: format, channels and rates, duration, annotations (or shape and affine).
`;

export function info(paths: readonly string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): void {
  for (const [i, p] of paths.entries()) {
    if (paths.length > 1) out(`${i ? '\n' : ''}== ${p}`);
    out(describe(readBytes(p), p));
  }
}
