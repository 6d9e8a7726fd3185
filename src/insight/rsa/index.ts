// Representational similarity analysis (rsatoolbox's methods): RDMs, their comparison, inference.
export {
  type Rdm, type RdmMeasure, type NoiseMethod, type CrossnobisOptions,
  computeRdm, crossnobisRdm, averageByCondition, conditionResiduals, covFromResiduals, precFromResiduals, rdmFromVector, rdmFromSquare, squareRdm, pairCount, conditionsFromLength,
} from './rdm.js';
export { type CompareMethod, COMPARE_METHODS, compareRdms, rankdata, pearson, spearman, kendallTauA, whitenedVector } from './compare.js';
export {
  type BootstrapResult, type PermutationResult, type NoiseCeiling,
  bootstrapCompare, permutationTest, noiseCeiling, poolRdms, subsampleVector,
} from './inference.js';
export { type NamedRdm, type Stimulus, readRdmStruct, readStimuli } from './mat.js';
export { type LayerActivations, recordLayerOutputs, layerRdms } from './layers.js';
export { type ModelScore, type ModelComparison, type EvaluateOptions, meanRdm, evaluateModels } from './evaluate.js';
export { modelBarChartSvg } from './chart.js';
