export { type Dataset, TensorDataset, Subset } from './dataset.js';
export { DataLoader, defaultCollate, type DataLoaderOptions } from './dataloader.js';
export { randomPatches, extractPatch, gridPatches, PatchAssembler, type RandomPatchOptions } from './patches.js';
