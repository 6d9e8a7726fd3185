// Attribution: which parts of an input a trained network's output depends on.
export { saliency, inputXGradient, smoothGrad, type SaliencyOptions, type SmoothGradOptions, type NoiseTunnelType } from './gradient.js';
export { integratedGradients, integrationRule, legendreGauss, INTEGRATION_METHODS, type IntegrationMethod, type IntegratedGradientsOptions, type IntegratedGradientsResult } from './integrated_gradients.js';
export { occlusion, type OcclusionOptions } from './occlusion.js';
export { gradCam, findLayer, type GradCamOptions, type GradCamResult } from './grad_cam.js';
export { amplitudePerturbation, type AmplitudePerturbationOptions, type AmplitudePerturbationResult, type AmplitudePerturbFn } from './amplitude_perturbation.js';
export { targetGradient, targetIndices, type Target } from './target.js';
