// Loaders for named data sets, from bytes (browser-safe); src/node adds the file-path forms.
export { MNIST, MNIST_FILES, MNIST_MEAN, MNIST_STD, MNIST_URL, fetchMnist, fetchMnistFile, mnistFileNames, type MnistOptions } from './mnist.js';
export { loadChewie, loadReach, loadPlaceCell, type ChewieData, type ReachData, type PlaceCellData } from './spikes.js';
export {
  EEGMMIDB_URL, EEGMMIDB_SUBJECTS, EEGMMIDB_RUNS, eegmmidbRunInfo, eegmmidbFileName, parseEegmmidbName, loadEegmmidbRun, fetchEegmmidbRun,
  type EegmmidbRun, type EegmmidbRunInfo, type EegmmidbTask,
} from './eegmmidb.js';
export {
  BONN_SETS, BONN_PAPER_NAMES, BONN_DESCRIPTIONS, BONN_SFREQ, BONN_SAMPLES, BONN_SEGMENTS_PER_SET, BONN_CLASSES, BONN_CLASS_OF_SET, BONN_URL, BONN_FILES,
  checkBonnSet, parseBonnSegment, loadBonnSet, loadBonn, fetchBonnSet, type BonnSet, type BonnSetData, type BonnData,
} from './bonn.js';
