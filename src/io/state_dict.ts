// State dicts ↔ safetensors bytes: the checkpoint format shared with PyTorch. The glue between
// tensors and the codec sits in io/ (which may import tensor/), so nn/ needs nothing from io/ and
// io/safetensors stays a format codec over bytes and typed arrays that knows nothing of tensors.

import { FormatError } from '../errors.js';
import { Tensor, fromValues } from '../tensor/tensor.js';
import { decodeSafetensors, encodeSafetensors, toFloat32, type RawTensor } from './safetensors/safetensors.js';

/** A tensor's elements as the codec's raw tensor (float32 → F32, float64 → F64, int32 → I32). */
function rawTensor(t: Tensor, data: Float32Array | Float64Array | Int32Array): RawTensor {
  return { dtype: t.dtype === 'float32' ? 'F32' : t.dtype === 'float64' ? 'F64' : 'I32', shape: [...t.shape], data };
}

/** Encodes a state dict (float32 → F32, float64 → F64, int32 → I32). */
export function serializeStateDict(sd: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const raw: Record<string, RawTensor> = {};
  for (const [k, t] of Object.entries(sd)) raw[k] = rawTensor(t, t.dataSync());
  return encodeSafetensors(raw, metadata);
}

/**
 * The state dict's raw tensors, read back with `await t.data()`: tensors in device memory
 * (webgpu), which cannot be read synchronously, as well as host ones.
 */
export async function stateDictRawAsync(sd: Record<string, Tensor>): Promise<Record<string, RawTensor>> {
  const raw: Record<string, RawTensor> = {};
  for (const [k, t] of Object.entries(sd)) raw[k] = rawTensor(t, await t.data());
  return raw;
}

/** serializeStateDict for state dicts whose tensors may live in device memory (webgpu). */
export async function serializeStateDictAsync(sd: Record<string, Tensor>, metadata?: Record<string, string>): Promise<Uint8Array> {
  return encodeSafetensors(await stateDictRawAsync(sd), metadata);
}

/**
 * Decodes safetensors bytes into tensors. F32/F64/I32 keep their dtype; F16/BF16 widen to
 * float32; I64 and smaller integers become int32 (an I64 value outside int32 is a FormatError).
 */
export function deserializeStateDict(bytes: Uint8Array, source = '<bytes>'): { stateDict: Record<string, Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const out: Record<string, Tensor> = {};
  for (const [k, r] of Object.entries(tensors)) {
    // an own property even for a key like `__proto__`, which plain assignment would swallow
    Object.defineProperty(out, k, { value: toTensor(k, r, source), enumerable: true, writable: true, configurable: true });
  }
  return { stateDict: out, metadata };
}

function toTensor(k: string, r: RawTensor, source: string): Tensor {
  switch (r.dtype) {
    case 'F32':
    case 'F64':
    case 'I32':
      return fromValues(r.data as Float32Array, r.shape, r.dtype === 'F32' ? 'float32' : r.dtype === 'F64' ? 'float64' : 'int32');
    case 'F16':
    case 'BF16':
      return fromValues(toFloat32(r), r.shape, 'float32');
    case 'I64': {
      const d = r.data as BigInt64Array;
      const v = new Int32Array(d.length);
      for (let i = 0; i < d.length; i++) {
        const x = d[i]!;
        if (x > 2147483647n || x < -2147483648n) throw new FormatError(`safetensors ${source}: tensor '${k}' holds int64 value ${x}, outside int32`);
        v[i] = Number(x);
      }
      return fromValues(v, r.shape, 'int32');
    }
    default:
      return fromValues(Int32Array.from(r.data as Uint8Array), r.shape, 'int32');
  }
}
