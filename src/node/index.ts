export { readBytes, writeFileAtomic } from './fs.js';
