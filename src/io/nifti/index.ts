export { readNifti, qformAffine, baseAffine, NIFTI_DTYPES } from './nifti.js';
export type { NiftiHeader, NiftiImage, NiftiExtension, NiftiRawArray, NiftiReadOptions } from './nifti.js';
