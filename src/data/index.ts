export { type Dataset, TensorDataset, Subset } from './dataset.js';
export { DataLoader, defaultCollate, type DataLoaderOptions } from './dataloader.js';
export { MNIST, MNIST_MEAN, MNIST_STD, type MnistOptions } from './mnist.js';
export { parseIdx, type IdxArray } from './idx.js';
