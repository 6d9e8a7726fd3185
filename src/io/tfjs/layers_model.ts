// TF.js layers models (model.json + binary weight shards, as written by tensorflowjs_converter
// from Keras) imported as a dendrite Module: brainchop's MeshNets and other chains of Conv3D and
// activation layers. The reader takes bytes (browser-safe); readTfjsLayersModel in dendrite/node
// reads a folder.
//
// Checked before any weight is used: the manifest's byte total against the shards, every weight's
// dtype, shape and name against the layer that owns it, no weight left over, a linear chain of
// supported layers. Keras kernels are channels-last (kd, kh, kw, C_in, C_out); dendrite's Conv3d
// weight is (C_out, C_in, kd, kh, kw), so each kernel is transposed once on import.

import { FormatError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { elu, relu, sigmoid, tanh } from '../../ops/elementwise.js';
import { softmax } from '../../ops/activation.js';
import { Module } from '../../nn/module.js';
import { Conv3d } from '../../nn/conv.js';
import { Parameter } from '../../nn/parameter.js';

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

type Activation = 'linear' | 'relu' | 'elu' | 'sigmoid' | 'tanh' | 'softmax';
const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'elu', 'sigmoid', 'tanh', 'softmax'];

/** One step of the chain: a convolution (with the activation Keras fused into it) or an activation. */
export type TfjsStep =
  | { kind: 'conv3d'; name: string; conv: Conv3d; activation: Activation }
  | { kind: 'activation'; name: string; activation: Activation };

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(source: string, msg: string): never {
  throw new FormatError(`tfjs layers model ${source}: ${msg}`);
}

/** A chain of Conv3D/activation layers read from a TF.js layers model; input and output (N, C, D, H, W). */
export class TfjsLayersModel extends Module {
  readonly steps: TfjsStep[];
  /** Channels of the input layer (the last entry of Keras's batch_input_shape). */
  readonly inChannels: number;
  /** Channels of the output (classes, for a segmentation model). */
  readonly outChannels: number;
  /** The Keras model's name and its input shape as stored, (batch, D, H, W, C) with nulls. */
  readonly modelName: string;
  readonly batchInputShape: (number | null)[];

  constructor(steps: TfjsStep[], inChannels: number, modelName: string, batchInputShape: (number | null)[]) {
    super();
    this.steps = steps;
    this.inChannels = inChannels;
    this.modelName = modelName;
    this.batchInputShape = batchInputShape;
    let c = inChannels;
    for (const s of steps) {
      if (s.kind === 'conv3d') {
        this.registerModule(s.name, s.conv);
        c = s.conv.outChannels;
      }
    }
    this.outChannels = c;
  }

  /**
   * Voxels each output depends on before and after it along (D, H, W): the sum of each
   * convolution's reach. Tiles that extend this far past their core give exactly the
   * full-volume output there.
   */
  receptiveField(): { before: [number, number, number]; after: [number, number, number] } {
    const before: [number, number, number] = [0, 0, 0];
    const after: [number, number, number] = [0, 0, 0];
    for (const s of this.steps) {
      if (s.kind !== 'conv3d') continue;
      const k = s.conv.kernelSize;
      const d = typeof s.conv.dilation === 'number' ? [s.conv.dilation, s.conv.dilation, s.conv.dilation] : s.conv.dilation;
      for (let a = 0; a < 3; a++) {
        const total = d[a]! * (k[a]! - 1);
        const lo = s.conv.padding === 'same' ? Math.floor(total / 2) : 0;
        before[a]! += lo;
        after[a]! += total - lo;
      }
    }
    return { before, after };
  }

  /**
   * x: (N, C, D, H, W) → (N, classes, D, H, W). Without gradients each intermediate is freed as
   * soon as the next layer has read it, so a full volume holds at most two activations.
   */
  forward(x: Tensor): Tensor {
    const free = !isGradEnabled();
    let y = x;
    for (const s of this.steps) {
      let z = s.kind === 'conv3d' ? s.conv.call(y) : y;
      if (z !== y && free && y !== x) y.dispose();
      y = z;
      z = applyActivation(y, s.activation);
      if (z !== y && free && y !== x) y.dispose();
      y = z;
    }
    return y;
  }

  override extraRepr(): string {
    return `${this.modelName}: ${this.steps.map((s) => (s.kind === 'conv3d' ? `conv3d ${s.name}` : s.activation)).join(' → ')}`;
  }
}

function applyActivation(x: Tensor, a: Activation): Tensor {
  switch (a) {
    case 'linear': return x;
    case 'relu': return relu(x);
    case 'elu': return elu(x);
    case 'sigmoid': return sigmoid(x);
    case 'tanh': return tanh(x);
    case 'softmax': return softmax(x, 1);
  }
}

/** The model.json as an object (from text, bytes or an already parsed value). */
function parseModelJson(modelJson: string | Uint8Array | unknown, source: string): Json {
  let v = modelJson;
  if (v instanceof Uint8Array) v = new TextDecoder().decode(v);
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (e) {
      fail(source, `is not JSON (${(e as Error).message})`);
    }
  }
  if (!isObj(v)) fail(source, 'is not a JSON object');
  return v;
}

interface LayerJson { className: string; name: string; config: Json; inbound: string[] }

/** The topology's layers in order, checked to form one chain from the input. */
function chain(model: Json, source: string): { layers: LayerJson[]; modelName: string } {
  if (model['format'] !== undefined && model['format'] !== 'layers-model') fail(source, `format '${String(model['format'])}' is not 'layers-model' (graph models are not supported)`);
  const topo = model['modelTopology'];
  if (!isObj(topo)) fail(source, 'has no modelTopology object');
  const cfg = isObj(topo['model_config']) ? topo['model_config'] : topo;
  const cls = cfg['class_name'];
  if (cls !== 'Functional' && cls !== 'Model' && cls !== 'Sequential') fail(source, `model class '${String(cls)}' is not supported (Functional, Model or Sequential)`);
  const inner = cfg['config'];
  const raw = Array.isArray(inner) ? inner : isObj(inner) ? inner['layers'] : undefined;
  if (!Array.isArray(raw) || raw.length === 0) fail(source, 'modelTopology lists no layers');
  const modelName = isObj(inner) && typeof inner['name'] === 'string' ? inner['name'] : 'model';
  const layers: LayerJson[] = raw.map((l, i) => {
    if (!isObj(l) || typeof l['class_name'] !== 'string' || !isObj(l['config'])) fail(source, `layer ${i} has no class_name/config`);
    const config = l['config'] as Json;
    const name = typeof l['name'] === 'string' ? l['name'] : typeof config['name'] === 'string' ? config['name'] : `layer_${i}`;
    const inbound: string[] = [];
    const nodes = l['inbound_nodes'];
    if (Array.isArray(nodes)) {
      for (const node of nodes) {
        if (!Array.isArray(node)) fail(source, `layer '${name}': inbound_nodes is malformed`);
        for (const edge of node) {
          if (!Array.isArray(edge) || typeof edge[0] !== 'string') fail(source, `layer '${name}': inbound_nodes is malformed`);
          inbound.push(edge[0]);
        }
      }
    }
    return { className: l['class_name'] as string, name, config, inbound };
  });
  if (cls !== 'Sequential') {
    // a Functional model must be a chain: each layer fed by the one before it, and only by it
    layers.forEach((l, i) => {
      const want = i === 0 ? [] : [layers[i - 1]!.name];
      if (l.inbound.length !== want.length || l.inbound.some((n, j) => n !== want[j])) {
        fail(source, `layer '${l.name}' takes [${l.inbound.join(', ')}], not the previous layer: only chains of layers are supported`);
      }
    });
    const outs = isObj(inner) ? inner['output_layers'] : undefined;
    if (Array.isArray(outs) && (outs.length !== 1 || !Array.isArray(outs[0]) || outs[0][0] !== layers[layers.length - 1]!.name)) {
      fail(source, `output_layers ${JSON.stringify(outs)} is not the last layer '${layers[layers.length - 1]!.name}'`);
    }
  }
  return { layers, modelName };
}

function intTriple(v: unknown, what: string, layer: string, source: string): [number, number, number] {
  const t = typeof v === 'number' ? [v, v, v] : v;
  if (!Array.isArray(t) || t.length !== 3 || t.some((x) => !Number.isInteger(x) || (x as number) < 1)) fail(source, `layer '${layer}': ${what} ${JSON.stringify(v)} is not three positive integers`);
  return t as [number, number, number];
}

function activationOf(v: unknown, layer: string, source: string): Activation {
  const a = v ?? 'linear';
  if (typeof a !== 'string' || !ACTIVATIONS.includes(a)) fail(source, `layer '${layer}': activation ${JSON.stringify(v)} is not supported (${ACTIVATIONS.join(', ')})`);
  return a as Activation;
}

/** The weights of every group, by name, as float32 arrays over the concatenated shard bytes. */
function readWeights(model: Json, readShard: (path: string) => Uint8Array, source: string): Map<string, { spec: TfjsWeightSpec; data: Float32Array }> {
  const manifest = model['weightsManifest'];
  if (!Array.isArray(manifest)) fail(source, 'has no weightsManifest array');
  const out = new Map<string, { spec: TfjsWeightSpec; data: Float32Array }>();
  manifest.forEach((group, gi) => {
    if (!isObj(group) || !Array.isArray(group['paths']) || !Array.isArray(group['weights'])) fail(source, `weightsManifest[${gi}] has no paths/weights`);
    const paths = group['paths'] as unknown[];
    const parts = paths.map((p) => {
      if (typeof p !== 'string' || p.length === 0) fail(source, `weightsManifest[${gi}] has a path that is not a file name: ${JSON.stringify(p)}`);
      return readShard(p);
    });
    const total = parts.reduce((a, p) => a + p.byteLength, 0);
    const specs = (group['weights'] as unknown[]).map((w, wi) => {
      if (!isObj(w) || typeof w['name'] !== 'string' || !Array.isArray(w['shape']) || typeof w['dtype'] !== 'string') fail(source, `weightsManifest[${gi}].weights[${wi}] needs name, shape and dtype`);
      const spec = { name: w['name'], shape: w['shape'] as number[], dtype: w['dtype'] };
      if (w['quantization'] !== undefined) fail(source, `weight '${spec.name}' is quantized (${JSON.stringify(w['quantization'])}), which is not supported`);
      if (spec.dtype !== 'float32') fail(source, `weight '${spec.name}' has dtype ${spec.dtype}; only float32 weights are supported`);
      if (spec.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(source, `weight '${spec.name}' has shape ${JSON.stringify(spec.shape)}`);
      return spec;
    });
    const need = specs.reduce((a, s) => a + 4 * s.shape.reduce((x, y) => x * y, 1), 0);
    if (need !== total) fail(source, `weightsManifest[${gi}] declares ${need} bytes of weights, its shards [${paths.join(', ')}] hold ${total}`);
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.byteLength;
    }
    const view = new DataView(bytes.buffer);
    o = 0;
    for (const spec of specs) {
      const n = spec.shape.reduce((x, y) => x * y, 1);
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(o + 4 * i, true);
      o += 4 * n;
      if (out.has(spec.name)) fail(source, `weight '${spec.name}' is listed twice`);
      out.set(spec.name, { spec, data });
    }
  });
  return out;
}

/** Keras (kd, kh, kw, C_in, C_out) → dendrite (C_out, C_in, kd, kh, kw). */
function kernelToDendrite(k: Float32Array, shape: readonly number[]): Float32Array {
  const [kd, kh, kw, ci, co] = shape as [number, number, number, number, number];
  const out = new Float32Array(k.length);
  const taps = kd * kh * kw;
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < ci; c++) {
      for (let o = 0; o < co; o++) out[(o * ci + c) * taps + t] = k[(t * ci + c) * co + o]!;
    }
  }
  return out;
}

/**
 * Reads a TF.js layers model: `modelJson` is model.json (text, bytes or parsed), `readShard`
 * returns the bytes of a shard named in its weightsManifest (relative to model.json).
 * Throws FormatError naming `source` for anything it cannot import faithfully.
 */
export function loadTfjsLayersModel(modelJson: string | Uint8Array | unknown, readShard: (path: string) => Uint8Array, source = 'model.json'): TfjsLayersModel {
  const model = parseModelJson(modelJson, source);
  const { layers, modelName } = chain(model, source);
  const weights = readWeights(model, readShard, source);
  const used = new Set<string>();
  const take = (name: string, shape: number[], layer: string): Float32Array => {
    const w = weights.get(name);
    if (!w) fail(source, `layer '${layer}' needs weight '${name}' ${JSON.stringify(shape)}, which the weightsManifest does not list`);
    if (w.spec.shape.length !== shape.length || w.spec.shape.some((d, i) => d !== shape[i])) {
      fail(source, `weight '${name}' has shape ${JSON.stringify(w.spec.shape)}; layer '${layer}' needs ${JSON.stringify(shape)}`);
    }
    used.add(name);
    return w.data;
  };

  let channels = 0;
  let batchInputShape: (number | null)[] = [];
  const steps: TfjsStep[] = [];
  layers.forEach((l, i) => {
    const c = l.config;
    if (l.className === 'InputLayer') {
      if (i !== 0) fail(source, `InputLayer '${l.name}' is not the first layer`);
      const shape = c['batch_input_shape'] ?? c['batchInputShape'];
      if (!Array.isArray(shape) || shape.length !== 5) fail(source, `InputLayer '${l.name}': batch_input_shape ${JSON.stringify(shape)} is not (batch, D, H, W, C)`);
      batchInputShape = shape as (number | null)[];
      const ch = shape[4];
      if (!Number.isInteger(ch) || (ch as number) < 1) fail(source, `InputLayer '${l.name}': channel count ${JSON.stringify(ch)} is not a positive integer`);
      channels = ch as number;
      return;
    }
    if (i === 0) fail(source, `the first layer is ${l.className} '${l.name}', not an InputLayer`);
    if (l.className === 'Activation') {
      steps.push({ kind: 'activation', name: l.name, activation: activationOf(c['activation'], l.name, source) });
      return;
    }
    if (l.className !== 'Conv3D') fail(source, `layer '${l.name}' is a ${l.className}; supported layers are InputLayer, Conv3D and Activation`);
    const fmt = c['data_format'] ?? 'channels_last';
    if (fmt !== 'channels_last') fail(source, `Conv3D '${l.name}': data_format '${String(fmt)}' is not supported (channels_last)`);
    const filters = c['filters'];
    if (!Number.isInteger(filters) || (filters as number) < 1) fail(source, `Conv3D '${l.name}': filters ${JSON.stringify(filters)} is not a positive integer`);
    const k = intTriple(c['kernel_size'], 'kernel_size', l.name, source);
    const strides = intTriple(c['strides'] ?? 1, 'strides', l.name, source);
    const dilation = intTriple(c['dilation_rate'] ?? 1, 'dilation_rate', l.name, source);
    const groups = c['groups'] ?? 1;
    if (groups !== 1) fail(source, `Conv3D '${l.name}': groups ${JSON.stringify(groups)} is not supported (1)`);
    const padding = c['padding'] ?? 'valid';
    if (padding !== 'same' && padding !== 'valid') fail(source, `Conv3D '${l.name}': padding ${JSON.stringify(padding)} is not 'same' or 'valid'`);
    // TF's 'same' with strides depends on the input size; dendrite's 'same' is stride 1 (as PyTorch)
    if (padding === 'same' && strides.some((s) => s !== 1)) fail(source, `Conv3D '${l.name}': padding 'same' with strides ${JSON.stringify(strides)} is not supported`);
    const useBias = c['use_bias'] ?? true;
    const O = filters as number;
    const kernel = take(`${l.name}/kernel`, [...k, channels, O], l.name);
    const bias = useBias ? take(`${l.name}/bias`, [O], l.name) : null;
    const conv = new Conv3d(channels, O, k, { stride: strides, dilation, padding: padding as 'same' | 'valid', bias: useBias === true });
    conv.weight = new Parameter(tensor(kernelToDendrite(kernel, [...k, channels, O]), { shape: [O, channels, ...k] }));
    if (bias) conv.bias = new Parameter(tensor(bias, { shape: [O] }));
    steps.push({ kind: 'conv3d', name: l.name, conv, activation: activationOf(c['activation'], l.name, source) });
    channels = O;
  });
  if (batchInputShape.length === 0) fail(source, 'has no InputLayer');
  const extra = [...weights.keys()].filter((n) => !used.has(n));
  if (extra.length) fail(source, `weights [${extra.join(', ')}] belong to no layer of the topology`);
  return new TfjsLayersModel(steps, batchInputShape[4] as number, modelName, batchInputShape);
}
