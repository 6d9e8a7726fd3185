export { loadTfjsLayersModel, TfjsLayersModel, type TfjsStep, type TfjsWeightSpec } from './layers_model.js';
