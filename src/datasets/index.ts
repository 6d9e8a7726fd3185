// Loaders for named data sets, from bytes (browser-safe); src/node adds the file-path forms.
export { MNIST, MNIST_FILES, MNIST_MEAN, MNIST_STD, type MnistOptions } from './mnist.js';
export { loadChewie, loadReach, loadPlaceCell, type ChewieData, type ReachData, type PlaceCellData } from './spikes.js';
