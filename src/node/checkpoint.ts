// Checkpoints on disk: safetensors files, written atomically.

import { readBytes, writeFileAtomic } from './fs.js';
import { deserializeStateDict, serializeStateDict } from '../io/state_dict.js';
import type { Tensor } from '../tensor/tensor.js';

/** Writes a state dict as a safetensors file (temp file + rename): save(model.stateDict(), path). */
export function save(stateDict: Record<string, Tensor>, path: string, metadata?: Record<string, string>): void {
  writeFileAtomic(path, serializeStateDict(stateDict, metadata));
}

/** Reads a safetensors file into a state dict (e.g. one written by PyTorch). */
export function load(path: string): Record<string, Tensor> {
  return deserializeStateDict(readBytes(path), path).stateDict;
}
