// NIfTI files on disk: writeNifti's bytes written atomically, gzipped when the path ends in .gz.
import { writeNifti, type NiftiWriteImage, type NiftiWriteOptions } from '../io/nifti/write.js';
import { writeFileAtomic } from './fs.js';

/** Writes `image` to `path` (.nii or .nii.gz); returns the bytes written. */
export function saveNifti(path: string, image: NiftiWriteImage, opts: Omit<NiftiWriteOptions, 'gzip'> = {}): number {
  const bytes = writeNifti(image, { ...opts, gzip: path.endsWith('.gz') });
  writeFileAtomic(path, bytes);
  return bytes.length;
}
