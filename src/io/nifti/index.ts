export { readNifti, qformAffine, baseAffine, NIFTI_DTYPES, VERIFY_SLACK } from './nifti.js';
export type { NiftiHeader, NiftiImage, NiftiExtension, NiftiRawArray, NiftiReadOptions, NiftiGzipInfo } from './nifti.js';
export { writeNifti, qformFields } from './write.js';
export type { NiftiWriteImage, NiftiWriteOptions, NiftiWriteDType } from './write.js';
