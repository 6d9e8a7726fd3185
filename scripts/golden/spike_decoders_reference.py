"""Reference values for src/decode/estimators (Wiener filter, Wiener cascade, Kalman filter,
naive Bayes) and src/decode/regression_metrics.ts.

Each decoder is written out here with numpy / scikit-learn 1.2 the way KordingLab's
Neural_Decoding (Glaser et al. 2020, decoders.py / metrics.py) computes it:
  - Wiener filter: sklearn LinearRegression; ridge: sklearn Ridge(alpha) (solver 'cholesky')
  - Wiener cascade: LinearRegression, then np.polyfit(linear prediction, y, degree), np.polyval
  - Kalman filter: KalmanFilterDecoder's least-squares A, W, H, Q and its filter loop
    (np.linalg.inv of the F x F innovation covariance every bin), initial state = a given row
  - naive Bayes position decoder (a simplified NaiveBayesDecoder, see
    src/decode/estimators/naive_bayes_regressor.ts): a res^D grid over the training outputs,
    Gaussian-kernel tuning curves, greedy MAP per bin with a Gaussian step prior
  - Poisson naive Bayes (no sklearn equivalent): class means floored at 1e-3,
    log prior + sum x log(lambda) - lambda, softmax; Gaussian naive Bayes: sklearn GaussianNB
  - metrics: sklearn r2_score(multioutput='raw_values'), np.corrcoef, RMSE, and the Neural
    Latents Benchmark's bits_per_spike (nlb_tools/evaluation.py, re-typed here with gammaln)

Data:
  (a) small seeded synthetic sets, stored whole in the output;
  (b) ../shared/data/spikes/kordinglab-dad/chewie_demo.mat: Ytr/Yte uint8 spike counts
      (1200/1818 x 71), Xtr/Xte hand velocity (x 2). Fitted on Ytr -> Xtr, tested on Yte -> Xte.
      Stored: coefficients, every 10th test prediction, and metrics over all test bins.
  (c) ../shared/data/spikes/centuri-hatsopoulos-reach/Dataset1.mat: R (143 neurons x 158
      trials) firing rates in Hz, direction 1..8. Rates are not counts; the Poisson model
      takes them as expected counts over a 1 s window (the window is not given in the file).
      StratifiedKFold(5) (no shuffle) folds are stored so the TypeScript side uses the same.

Run with Debian's python3 (numpy 1.24, scipy 1.10, sklearn 1.2):
    /usr/bin/python3 scripts/golden/spike_decoders_reference.py
Writes test/golden/spike_decoders.json.
"""
import json
import os

import numpy as np
import scipy
import scipy.io as sio
import sklearn
from scipy.special import gammaln
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import GaussianNB

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.path.join(ROOT, 'test', 'golden')
os.makedirs(OUT, exist_ok=True)


def flat(a):
    return np.asarray(a, dtype=np.float64).ravel().tolist()


# ---------------------------------------------------------------- decoders, Neural_Decoding's way

def wiener_cascade(Xtr, Ytr, Xte, degree):
    polys, pred = [], np.empty((Xte.shape[0], Ytr.shape[1]))
    for i in range(Ytr.shape[1]):
        regr = LinearRegression().fit(Xtr, Ytr[:, i])
        p = np.polyfit(regr.predict(Xtr), Ytr[:, i], degree)
        polys.append(p)
        pred[:, i] = np.polyval(p, regr.predict(Xte))
    return np.array(polys), pred


def kalman_fit(Ztr, Ytr, C=1.0):
    X = Ytr.T  # state (D, N)
    Z = Ztr.T  # observations (F, N)
    nt = X.shape[1]
    X2, X1 = X[:, 1:], X[:, :-1]
    A = X2 @ X1.T @ np.linalg.inv(X1 @ X1.T)
    W = (X2 - A @ X1) @ (X2 - A @ X1).T / (nt - 1) / C
    H = Z @ X.T @ np.linalg.inv(X @ X.T)
    Q = (Z - H @ X) @ (Z - H @ X).T / nt
    return A, W, H, Q


def kalman_predict(model, Zte, x0):
    A, W, H, Q = model
    Z = Zte.T
    d, n = A.shape[0], Z.shape[1]
    states = np.empty((d, n))
    P = np.zeros((d, d))
    state = np.asarray(x0, dtype=np.float64).reshape(d, 1)
    states[:, 0] = state[:, 0]
    for t in range(n - 1):
        P_m = A @ P @ A.T + W
        state_m = A @ state
        K = P_m @ H.T @ np.linalg.inv(H @ P_m @ H.T + Q)
        P = (np.eye(d) - K @ H) @ P_m
        state = state_m + K @ (Z[:, t + 1:t + 2] - H @ state_m)
        states[:, t + 1] = state[:, 0]
    return states.T


def kalman_case(Ztr, Ytr, Zte, C, center, x0):
    """center: subtract training means of both sides (Neural_Decoding's notebooks), add back."""
    zm = Ztr.mean(0) if center else np.zeros(Ztr.shape[1])
    ym = Ytr.mean(0) if center else np.zeros(Ytr.shape[1])
    model = kalman_fit(Ztr - zm, Ytr - ym, C)
    pred = kalman_predict(model, Zte - zm, np.asarray(x0) - ym) + ym
    return model, pred


def poisson_nb(Xtr, ytr, Xte, min_rate=1e-3):
    classes = np.unique(ytr)
    rates = np.array([np.maximum(Xtr[ytr == c].mean(0), min_rate) for c in classes])
    log_prior = np.log(np.array([(ytr == c).mean() for c in classes]))
    jll = Xte @ np.log(rates).T - rates.sum(1) + log_prior
    proba = np.exp(jll - np.logaddexp.reduce(jll, axis=1, keepdims=True))
    return rates, jll, proba, classes[np.argmax(jll, axis=1)]


def nb_regressor(Xtr, Ytr, Xte, res, x0, bandwidth=None, min_rate=1e-3):
    d = Ytr.shape[1]
    lo, hi = Ytr.min(0), Ytr.max(0)
    axes = [np.linspace(lo[k], hi[k], res) for k in range(d)]
    grid = np.stack(np.meshgrid(*axes, indexing='ij'), -1).reshape(-1, d)  # last dim fastest
    bw = (hi - lo) / (res - 1) if bandwidth is None else np.broadcast_to(bandwidth, (d,))
    e = -0.5 * (((Ytr[None, :, :] - grid[:, None, :]) / bw) ** 2).sum(-1)  # (G, N)
    w = np.exp(e - e.max(1, keepdims=True))
    tuning = np.maximum((w @ Xtr) / w.sum(1, keepdims=True), min_rate)  # (G, F)
    std = np.sqrt(np.mean(np.sum(np.diff(Ytr, axis=0) ** 2, axis=1)))
    dist2 = ((grid[:, None, :] - grid[None, :, :]) ** 2).sum(-1)
    prev = int(np.argmin(((grid - x0) ** 2).sum(1)))
    out = np.empty((Xte.shape[0], d))
    loglam, lamsum = np.log(tuning), tuning.sum(1)
    for t in range(Xte.shape[0]):
        score = Xte[t] @ loglam.T - lamsum - dist2[prev] / (2 * std ** 2)
        prev = int(np.argmax(score))
        out[t] = grid[prev]
    return grid, tuning, std, out


# ---------------------------------------------------------------- metrics

def pearson(yt, yp):
    return np.array([np.corrcoef(yt[:, i], yp[:, i])[0, 1] for i in range(yt.shape[1])])


def rmse(yt, yp):
    return np.sqrt(np.mean((yt - yp) ** 2, axis=0))


def neg_log_likelihood(rates, spikes):
    # nlb_tools.evaluation.neg_log_likelihood
    mask = ~np.isnan(spikes)
    rates, spikes = rates[mask].copy(), spikes[mask]
    assert not np.any(np.isnan(rates)) and np.all(rates >= 0)
    rates[rates == 0] = 1e-9
    return np.sum(rates - spikes * np.log(rates) + gammaln(spikes + 1.0))


def bits_per_spike(rates, spikes):
    # nlb_tools.evaluation.bits_per_spike on (N, U): the null is each neuron's nanmean
    nll_model = neg_log_likelihood(rates, spikes)
    null = np.tile(np.nanmean(spikes, axis=0, keepdims=True), (spikes.shape[0], 1))
    nll_null = neg_log_likelihood(null, spikes)
    return float((nll_null - nll_model) / np.nansum(spikes) / np.log(2))


def metrics(yt, yp):
    return dict(r2=flat(r2_score(yt, yp, multioutput='raw_values')), pearson=flat(pearson(yt, yp)),
                rmse=flat(rmse(yt, yp)))


# ---------------------------------------------------------------- (a) synthetic

rng = np.random.default_rng(20240521)
N, F, D = 80, 6, 2
kin = np.zeros((N, D))
for t in range(1, N):
    kin[t] = 0.9 * kin[t - 1] + rng.normal(0, 1, D)
B = rng.normal(0, 0.4, (F, D))
counts = rng.poisson(np.exp(0.5 + kin @ B.T)).astype(np.float64)
tr, te = slice(0, 60), slice(60, N)
Ztr, Zte, Ytr, Yte = counts[tr], counts[te], kin[tr], kin[te]

lr = LinearRegression().fit(Ztr, Ytr)
rg = Ridge(alpha=0.5).fit(Ztr, Ytr)
lr_noint = LinearRegression(fit_intercept=False).fit(Ztr, Ytr)
Zrd_tr = np.hstack([Ztr, Ztr[:, :1]])  # a duplicated neuron: rank-deficient, min-norm answer
Zrd_te = np.hstack([Zte, Zte[:, :1]])
lr_rd = LinearRegression().fit(Zrd_tr, Ytr)
polys3, casc3 = wiener_cascade(Ztr, Ytr, Zte, 3)
polys2, casc2 = wiener_cascade(Ztr, Ytr, Zte, 2)
kf1, kp1 = kalman_case(Ztr, Ytr, Zte, 1.0, False, Yte[0])
kf2, kp2 = kalman_case(Ztr, Ytr, Zte, 2.0, True, Ytr.mean(0))

nbr_grid, nbr_tuning, nbr_std, nbr_pred = nb_regressor(Ztr, Ytr, Zte, 15, Ytr.mean(0))
nbr1_grid, nbr1_tuning, nbr1_std, nbr1_pred = nb_regressor(Ztr, Ytr[:, :1], Zte, 20, Yte[0, :1], bandwidth=0.5)

# Poisson / Gaussian naive Bayes on 3 classes of 4 neurons (neuron 3 silent in class 2)
nb_rates = np.array([[2.0, 1.0, 0.5, 3.0], [0.5, 2.5, 1.0, 1.0], [1.0, 1.0, 3.0, 0.0]])
nb_y = np.repeat([0, 1, 2], [9, 10, 11])
nb_X = rng.poisson(nb_rates[nb_y]).astype(np.float64)
nb_Xte = rng.poisson(nb_rates[np.array([0, 1, 2, 2, 1, 0, 2, 1])]).astype(np.float64)
nb_rt, nb_jll, nb_proba, nb_pred = poisson_nb(nb_X, nb_y, nb_Xte)
gnb = GaussianNB().fit(nb_X, nb_y)

# bits per spike: one zero rate, one NaN (left-out) count, one silent neuron
bps_counts = rng.poisson([1.5, 0.3, 0.0], (20, 3)).astype(np.float64)
bps_counts[4, 0] = np.nan
bps_rates = np.abs(bps_counts + rng.normal(0, 0.5, (20, 3)))
bps_rates[np.isnan(bps_rates)] = 1.0
bps_rates[2, 1] = 0.0

synthetic = dict(
    description='seeded synthetic: AR(1) 2-D kinematics, 6 Poisson neurons log-linearly tuned; bins 0-59 train, 60-79 test',
    n_train=60, n_features=F, n_outputs=D,
    counts=flat(counts), kinematics=flat(kin),
    linear=dict(coef=flat(lr.coef_), intercept=flat(lr.intercept_), pred=flat(lr.predict(Zte))),
    linear_no_intercept=dict(coef=flat(lr_noint.coef_), pred=flat(lr_noint.predict(Zte))),
    linear_rank_deficient=dict(coef=flat(lr_rd.coef_), intercept=flat(lr_rd.intercept_), pred=flat(lr_rd.predict(Zrd_te))),
    ridge=dict(alpha=0.5, coef=flat(rg.coef_), intercept=flat(rg.intercept_), pred=flat(rg.predict(Zte))),
    cascade3=dict(polys=flat(polys3), pred=flat(casc3)),
    cascade2=dict(polys=flat(polys2), pred=flat(casc2)),
    kalman=dict(C=1.0, center=False, initial='first test row', A=flat(kf1[0]), W=flat(kf1[1]), H=flat(kf1[2]), Q=flat(kf1[3]), pred=flat(kp1)),
    kalman_centered=dict(C=2.0, center=True, initial='training mean', A=flat(kf2[0]), W=flat(kf2[1]), H=flat(kf2[2]), Q=flat(kf2[3]), pred=flat(kp2)),
    metrics_linear=metrics(Yte, lr.predict(Zte)),
    nb_regressor=dict(res=15, initial='training mean', grid=flat(nbr_grid), tuning=flat(nbr_tuning), step_std=float(nbr_std), pred=flat(nbr_pred)),
    nb_regressor_1d=dict(res=20, bandwidth=0.5, initial='first test row', output=0, tuning=flat(nbr1_tuning), step_std=float(nbr1_std), pred=flat(nbr1_pred)),
    naive_bayes=dict(X=flat(nb_X), y=nb_y.tolist(), X_test=flat(nb_Xte), n_features=4,
                     poisson=dict(min_rate=1e-3, rates=flat(nb_rt), jll=flat(nb_jll), proba=flat(nb_proba), pred=nb_pred.tolist()),
                     gaussian=dict(theta=flat(gnb.theta_), var=flat(gnb.var_), epsilon=float(gnb.epsilon_),
                                   jll=flat(gnb._joint_log_likelihood(nb_Xte)), proba=flat(gnb.predict_proba(nb_Xte)),
                                   pred=gnb.predict(nb_Xte).tolist())),
    bits_per_spike=dict(rates=flat(bps_rates), counts=[None if np.isnan(v) else v for v in bps_counts.ravel()],
                        shape=[20, 3], value=bits_per_spike(bps_rates, bps_counts)),
)

# ---------------------------------------------------------------- (b) chewie_demo.mat

m = sio.loadmat(os.path.join(DATA, 'spikes', 'kordinglab-dad', 'chewie_demo.mat'))
Str, Ste = m['Ytr'].astype(np.float64), m['Yte'].astype(np.float64)  # spikes
Vtr, Vte = m['Xtr'].astype(np.float64), m['Xte'].astype(np.float64)  # velocity
sub = slice(None, None, 10)

c_lr = LinearRegression().fit(Str, Vtr)
c_rg = Ridge(alpha=1.0).fit(Str, Vtr)
c_polys, c_casc = wiener_cascade(Str, Vtr, Ste, 3)
c_kf, c_kp = kalman_case(Str, Vtr, Ste, 1.0, False, Vte[0])
c_kfc, c_kpc = kalman_case(Str, Vtr, Ste, 1.0, True, Vtr.mean(0))
c_grid, c_tuning, c_std, c_nbr = nb_regressor(Str, Vtr, Ste, 25, Vtr.mean(0))
# an encoding model for bits per spike: velocity -> counts by least squares, negatives clipped to 0
enc = LinearRegression().fit(Vtr, Str)
enc_rates = np.maximum(enc.predict(Vte), 0.0)


def chewie_case(pred, **extra):
    return dict(pred_every_10th=flat(pred[sub]), pred_sum=flat(pred.sum(0)), **metrics(Vte, pred), **extra)


def kalman_summary(model):
    A, W, H, Q = model
    return dict(A=flat(A), W=flat(W), H=flat(H), Q_diag=flat(np.diag(Q)), Q_row0=flat(Q[0]), Q_fro=float(np.linalg.norm(Q)))


chewie = dict(
    description='chewie_demo.mat: fit Ytr (spikes) -> Xtr (velocity), test Yte -> Xte; predictions stored for every 10th test bin',
    linear=chewie_case(c_lr.predict(Ste), coef=flat(c_lr.coef_), intercept=flat(c_lr.intercept_)),
    ridge=chewie_case(c_rg.predict(Ste), alpha=1.0, coef=flat(c_rg.coef_), intercept=flat(c_rg.intercept_)),
    cascade3=chewie_case(c_casc, polys=flat(c_polys)),
    kalman=chewie_case(c_kp, C=1.0, center=False, initial='first test row', **kalman_summary(c_kf)),
    kalman_centered=chewie_case(c_kpc, C=1.0, center=True, initial='training mean', **kalman_summary(c_kfc)),
    nb_regressor=chewie_case(c_nbr, res=25, initial='training mean', step_std=float(c_std), grid_first_last=flat(c_grid[[0, -1]]),
                             tuning_col_sums=flat(c_tuning.sum(0)), tuning_row0=flat(c_tuning[0]), tuning_row_mid=flat(c_tuning[len(c_tuning) // 2])),
    encoding_bits_per_spike=dict(description='rates = max(0, LinearRegression(Xtr -> Ytr).predict(Xte)), counts = Yte',
                                 n_zero_rates=int((enc_rates == 0).sum()), value=bits_per_spike(enc_rates, Ste),
                                 value_null=bits_per_spike(np.tile(Ste.mean(0), (Ste.shape[0], 1)), Ste)),
)

# ---------------------------------------------------------------- (c) Dataset1.mat

h = sio.loadmat(os.path.join(DATA, 'spikes', 'centuri-hatsopoulos-reach', 'Dataset1.mat'))
R = h['R'].T.astype(np.float64)  # (158 trials, 143 neurons)
direction = h['direction'][:, 0].astype(int)
fold = np.empty(len(direction), dtype=int)
for k, (_, te_idx) in enumerate(StratifiedKFold(n_splits=5).split(R, direction)):
    fold[te_idx] = k
p_pred = np.empty_like(direction)
g_pred = np.empty_like(direction)
p_proba = np.empty((len(direction), 8))
g_proba = np.empty((len(direction), 8))
p_acc, g_acc = [], []
for k in range(5):
    trn, tst = fold != k, fold == k
    _, _, pp, pl = poisson_nb(R[trn], direction[trn], R[tst])
    g = GaussianNB().fit(R[trn], direction[trn])
    p_pred[tst], p_proba[tst] = pl, pp
    g_pred[tst], g_proba[tst] = g.predict(R[tst]), g.predict_proba(R[tst])
    p_acc.append(float((pl == direction[tst]).mean()))
    g_acc.append(float((g_pred[tst] == direction[tst]).mean()))

reach = dict(
    description='Dataset1.mat: R.T (158 trials x 143 neurons, Hz) -> direction 1..8, StratifiedKFold(5) without shuffling',
    fold=fold.tolist(),
    poisson=dict(min_rate=1e-3, window_s=1.0, pred=p_pred.tolist(), proba=[float('%.15g' % v) for v in p_proba.ravel()],
                 fold_accuracy=p_acc, accuracy=float((p_pred == direction).mean())),
    gaussian=dict(pred=g_pred.tolist(), proba=[float('%.15g' % v) for v in g_proba.ravel()],
                  fold_accuracy=g_acc, accuracy=float((g_pred == direction).mean())),
)

out = dict(numpy_version=np.__version__, scipy_version=scipy.__version__, sklearn_version=sklearn.__version__,
           synthetic=synthetic, chewie=chewie, reach=reach)
path = os.path.join(OUT, 'spike_decoders.json')
with open(path, 'w') as fh:
    json.dump(out, fh, separators=(',', ':'))
print(path, os.path.getsize(path), 'bytes')
for name in ['linear', 'ridge', 'cascade3', 'kalman', 'kalman_centered', 'nb_regressor']:
    print('chewie', name, 'R2', np.round(chewie[name]['r2'], 4), 'r', np.round(chewie[name]['pearson'], 4))
print('chewie encoding bits/spike', chewie['encoding_bits_per_spike'])
print('reach accuracy: poisson', reach['poisson']['accuracy'], 'gaussian', reach['gaussian']['accuracy'])
