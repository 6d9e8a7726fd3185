// The Braindecode-style EEG models (and the volumetric segmenters) by name, with Braindecode's recommended AdamW settings per
// model. Listing a model here is what registers it: decode/ and the CLI import this module, it
// imports the models, and nothing fills it as a side effect.
// Every factory follows Braindecode's contract (nChans, nOutputs, nTimes, sfreq).

import { noGrad } from '../autograd/grad_mode.js';
import type { Module } from '../nn/module.js';
import { ShallowFBCSPNet } from './shallow_fbcsp.js';
import { Deep4Net } from './deep4.js';
import { EEGNet } from './eegnet.js';
import { ConvAutoencoder1d } from './conv_autoencoder.js';
import { SpectrumCNN } from './spectrum_cnn.js';
import { MeshNet, meshNetStateShapes, type MeshNetOptions } from './meshnet.js';
import { UNet3d, unet3dStateShapes } from './unet3d.js';
import type { VolumeModel } from './segment_volume.js';
import { ArgumentError } from '../errors.js';

export type ModelFactory = (nChans: number, nOutputs: number, nTimes: number, sfreq: number) => Module;

/** How to build and train one EEG model. */
export interface EegModelSpec {
  make: ModelFactory;
  lr: number;
  weightDecay: number;
  /** Called after every optimiser step (EEGNet's max-norm constraint). */
  afterStep?: (m: Module) => void;
  /** Training epochs when the caller gives none (default 60). */
  epochs?: number;
  /** Builds the model with a classifier of `finalConvLength` steps, for cropped decoding. */
  makeCropped?: (nChans: number, nOutputs: number, nTimes: number, sfreq: number, finalConvLength: number) => Module;
}

/** Deep EEG models by name (a Map, so callers may add their own). */
export const eegModels = new Map<string, EegModelSpec>([
  ['shallow', {
    make: (c, o, t, sfreq) => new ShallowFBCSPNet({ nChans: c, nOutputs: o, nTimes: t, sfreq }),
    makeCropped: (c, o, t, sfreq, k) => new ShallowFBCSPNet({ nChans: c, nOutputs: o, nTimes: t, sfreq, finalConvLength: k }),
    lr: 0.0625 * 0.01, weightDecay: 0,
  }],
  ['deep4', {
    make: (c, o, t, sfreq) => new Deep4Net({ nChans: c, nOutputs: o, nTimes: t, sfreq }),
    makeCropped: (c, o, t, sfreq, k) => new Deep4Net({ nChans: c, nOutputs: o, nTimes: t, sfreq, finalConvLength: k }),
    lr: 1 * 0.01,
    weightDecay: 0.5 * 0.001,
  }],
  ['eegnet', {
    make: (c, o, t, sfreq) => new EEGNet({ nChans: c, nOutputs: o, nTimes: t, sfreq }),
    lr: 0.001,
    weightDecay: 0,
    // EEGNet's 2.5 k parameters learn slowly: on EEGMMIDB S001 (R06+R10, 4-38 Hz, 0-4 s) its
    // training accuracy is 0.77 after 60 epochs and 1.00 after 150
    epochs: 150,
    // Braindecode renormalises the spatial filters every forward pass; here, after every step
    afterStep: (m) => noGrad(() => (m as EEGNet).applyMaxNorm()),
  }],
]);

/** How to build and train one model of the anomaly/diagnosis pipeline (decode/anomaly). */
export interface AnomalyModelSpec {
  /** `length`: input sequence length; `nOutputs`: classes (ignored by autoencoders). */
  make: (length: number, nOutputs: number) => Module;
  kind: 'autoencoder' | 'classifier';
  lr: number;
  weightDecay: number;
  epochs: number;
  batchSize: number;
  /** Learning-rate schedule over the epochs (default constant). */
  schedule?: 'cosine';
}

/** Models over per-window log power spectra (x: (B, 1, bins)), by name. */
export const anomalyModels = new Map<string, AnomalyModelSpec>([
  ['autoencoder', { make: (length) => new ConvAutoencoder1d({ length, latent: 2 }), kind: 'autoencoder', lr: 3e-3, weightDecay: 0, epochs: 30, batchSize: 64 }],
  ['cnn', { make: (_length, nOutputs) => new SpectrumCNN({ nOutputs }), kind: 'classifier', lr: 3e-3, weightDecay: 0, epochs: 10, batchSize: 64, schedule: 'cosine' }],
]);

/** Hyper-parameters of a volumetric segmenter as config.json stores them (numbers, strings, lists). */
export type SegmenterHyper = Record<string, number | string | number[]>;

/** How to build one 3-D segmentation network (models/meshnet, models/unet3d) from its config. */
export interface SegmenterSpec {
  make: (inChannels: number, classes: number, hyper: SegmenterHyper) => VolumeModel;
  /** The state dict's keys and shapes `make` would give, computed without allocating (to check a saved config against its weights first). */
  stateShapes: (inChannels: number, classes: number, hyper: SegmenterHyper) => Record<string, number[]>;
  /** Hyper-parameters when the caller gives none. */
  defaults: SegmenterHyper;
}

function num(h: SegmenterHyper, k: string, arch: string): number {
  const v = h[k];
  if (typeof v !== 'number') throw new ArgumentError(`segmenter ${arch}: hyper-parameter '${k}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function meshNetOptions(inChannels: number, classes: number, h: SegmenterHyper): MeshNetOptions {
  const d = h['dilations'];
  if (!Array.isArray(d)) throw new ArgumentError(`segmenter meshnet: hyper-parameter 'dilations' must be a list, got ${JSON.stringify(d)}`);
  const norm = h['norm'];
  if (norm !== 'batch' && norm !== 'group') throw new ArgumentError(`segmenter meshnet: norm must be 'batch' or 'group', got ${JSON.stringify(norm)}`);
  return { inChannels, classes, channels: num(h, 'channels', 'meshnet'), dilations: d, norm };
}

/** Volumetric segmenters by architecture name. */
export const segmenterModels = new Map<string, SegmenterSpec>([
  ['meshnet', {
    defaults: { channels: 21, dilations: [1, 2, 4, 8, 16, 8, 4, 2, 1], norm: 'batch' },
    make: (inChannels, classes, h) => new MeshNet(meshNetOptions(inChannels, classes, h)),
    stateShapes: (inChannels, classes, h) => meshNetStateShapes(meshNetOptions(inChannels, classes, h)),
  }],
  ['unet3d', {
    defaults: { baseChannels: 8, levels: 3 },
    make: (inChannels, classes, h) => new UNet3d({ inChannels, classes, baseChannels: num(h, 'baseChannels', 'unet3d'), levels: num(h, 'levels', 'unet3d') }),
    stateShapes: (inChannels, classes, h) => unet3dStateShapes({ inChannels, classes, baseChannels: num(h, 'baseChannels', 'unet3d'), levels: num(h, 'levels', 'unet3d') }),
  }],
]);
