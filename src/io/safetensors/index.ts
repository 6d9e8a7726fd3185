export { decodeSafetensors, dtypeSize, encodeSafetensors, toFloat32 } from './safetensors.js';
export type { RawData, RawTensor, SafeDType } from './safetensors.js';
