export { readBytes, writeFileAtomic, removeStaleTemps } from './fs.js';
export { save, load } from './checkpoint.js';
export { loadMnist, downloadMnist, defaultMnistRoot, findMnistPackage, MNIST_FILE_LIST, type LoadMnistOptions } from './mnist.js';
export { readBidsEeg, nodeFiles } from './bids.js';
export { loadEegmmidb, downloadEegmmidb, eegmmidbPath, type LoadEegmmidbOptions } from './eegmmidb.js';
export { saveDecoder, loadDecoder } from './eeg_model.js';
export { loadBonnDir, downloadBonn } from './bonn.js';
