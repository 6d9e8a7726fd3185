// Neural decoders for binned spikes (Glaser et al. 2020's classical and deep sets): sklearn-style
// fit/predict over Matrix buffers, time bins (or trials) as rows.
export { matrix, sequences, type Matrix, type Sequences, type Regressor, type Classifier } from './types.js';
export { WienerFilter, type WienerFilterOptions } from './wiener.js';
export { WienerCascade, polyfit, polyval, type WienerCascadeOptions } from './wiener_cascade.js';
export { KalmanFilter, type KalmanFilterOptions, type KalmanFitted, type KalmanPredictOptions } from './kalman.js';
export { PoissonNaiveBayes, GaussianNaiveBayes, type NaiveBayesOptions, type PoissonNaiveBayesOptions, type GaussianNaiveBayesOptions } from './naive_bayes.js';
export { NaiveBayesRegressor, type NaiveBayesRegressorOptions, type NaiveBayesPredictOptions } from './naive_bayes_regressor.js';
export { RecurrentDecoder, DenseDecoder, RecurrentDecoderNet, DenseDecoderNet, type RecurrentCell, type RecurrentDecoderOptions, type DenseDecoderOptions, type NeuralDecoderOptions } from './neural_decoder.js';
export { chooseRidgeAlpha, meanR2, RIDGE_ALPHAS, type RidgeAlphaOptions, type RidgeAlphaChoice } from './ridge_alpha.js';
export { LedoitWolfGaussian } from './gaussian_anomaly.js';
export { LogisticRegression, StandardScaler, type LogisticRegressionOptions } from './logistic.js';
