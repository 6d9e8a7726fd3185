export { readBytes, writeFileAtomic } from './fs.js';
export { save, load } from './checkpoint.js';
export { loadMnist, downloadMnist, defaultMnistRoot, type LoadMnistOptions } from './mnist.js';
export { readBidsEeg, nodeFiles } from './bids.js';
export { saveDecoder, loadDecoder } from './eeg_model.js';
