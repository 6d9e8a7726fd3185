export { decodePng, pngToGray, type PngImage } from './decode.js';
