// Dense float64 linear algebra for the classical estimators: one Matrix type and its helpers.
export {
  type Matrix, type MatrixLike, matrix, wrap, zeros, identity, fromRows, toRows, row, asMatrix, checkMatrix, checkSquare, colMeans,
} from './matrix.js';
export { matmul, transpose, eigh, eighGeneralized, cholesky, solveSPD, svd, inv, pinv, pinvh } from './dense.js';
export { lstsq, ridgePath, lstsqSVD, lstsqSymmetric } from './lstsq.js';
export { addScatter, shrinkInPlace, empiricalCovariance, ledoitWolfShrinkage } from './covariance.js';
