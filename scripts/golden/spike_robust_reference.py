"""Reference values for the robust defaults of `dendrite decode spikes` and its decoders:
  - Kalman filter on units that are silent or duplicated: Neural_Decoding's KalmanFilterDecoder
    (Glaser et al. 2020) with np.linalg.pinv in place of np.linalg.inv of the innovation
    covariance (with inv it fails: the matrix is singular), centred, starting at the training
    mean; and the same filter fitted with inv on the independent units only, which it equals;
  - ridge with alpha chosen on validation: sklearn RidgeCV(alphas=10**(-3 + i/4), i = 0..32,
    cv=PredefinedSplit: fit on the first 80 % of the training bins, validate on the last 20 %),
    which refits on all training bins; the validation R² of every alpha (Ridge fitted on the
    first 80 %, r2_score 'uniform_average'); and the Wiener cascade (Ridge + np.polyfit degree 3)
    with its alpha chosen the same way;
  - every score over test bins 6 .. end (the bins where the longest default history, 6 bins,
    exists), as the command scores them.

Data: ../shared/data/spikes/kordinglab-dad/chewie_demo.mat (Ytr/Yte 1200/1818 x 71 spike counts,
Xtr/Xte hand velocity). No recording with silent or duplicated units is in the shared data, so
the case is built from this one: units 2, 5, ..., 59 (20 units) set to zero in both sets, and
copies of units 10, 33 and 61 appended as columns 71, 72, 73 (74 units).

Run with Debian's python3 (numpy 1.24, sklearn 1.2):
    /usr/bin/python3 scripts/golden/spike_robust_reference.py
Writes test/golden/spike_decoders_robust.json.
"""
import json
import os

import numpy as np
import scipy.io as sio
import sklearn
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import PredefinedSplit

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.path.join(ROOT, 'test', 'golden', 'spike_decoders_robust.json')

SILENT = list(range(2, 60, 3))  # 20 units
DUPLICATE = [10, 33, 61]
ALPHAS = 10.0 ** (-3 + np.arange(33) / 4)
SCORE_FROM = 6
VALID_FRACTION = 0.2


def flat(a):
    return np.asarray(a, dtype=np.float64).ravel().tolist()


def corrupt(Y):
    Y = Y.astype(np.float64).copy()
    Y[:, SILENT] = 0
    return np.hstack([Y, Y[:, DUPLICATE]])


# ---------------------------------------------------------------- Kalman, Neural_Decoding's way

def kalman_fit(Ztr, Ytr):
    X, Z = Ytr.T, Ztr.T
    nt = X.shape[1]
    X2, X1 = X[:, 1:], X[:, :-1]
    A = X2 @ X1.T @ np.linalg.inv(X1 @ X1.T)
    W = (X2 - A @ X1) @ (X2 - A @ X1).T / (nt - 1)
    H = Z @ X.T @ np.linalg.inv(X @ X.T)
    Q = (Z - H @ X) @ (Z - H @ X).T / nt
    return A, W, H, Q


def kalman_predict(model, Zte, x0, inverse):
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
        K = P_m @ H.T @ inverse(H @ P_m @ H.T + Q)
        P = (np.eye(d) - K @ H) @ P_m
        state = state_m + K @ (Z[:, t + 1:t + 2] - H @ state_m)
        states[:, t + 1] = state[:, 0]
    return states.T


def kalman_centred(Ztr, Ytr, Zte, inverse):
    zm, ym = Ztr.mean(0), Ytr.mean(0)
    model = kalman_fit(Ztr - zm, Ytr - ym)
    return model, kalman_predict(model, Zte - zm, np.zeros(Ytr.shape[1]), inverse) + ym


def scores(Yte, pred):
    yt, yp = Yte[SCORE_FROM:], pred[SCORE_FROM:]
    return dict(
        r2=flat(r2_score(yt, yp, multioutput='raw_values')),
        pearson=[float(np.corrcoef(yt[:, k], yp[:, k])[0, 1]) for k in range(yt.shape[1])],
        rmse=flat(np.sqrt(((yt - yp) ** 2).mean(0))),
    )


def pred_summary(pred):
    return dict(pred_every_10th=flat(pred[::10]), pred_sum=flat(pred.sum(0)))


# ---------------------------------------------------------------- ridge with a validated alpha

def split(n):
    cut = int(round((1 - VALID_FRACTION) * n))
    return cut, PredefinedSplit(np.r_[-np.ones(cut), np.zeros(n - cut)])


def ridge_cv(Str, Vtr, Ste):
    cut, cv = split(len(Str))
    m = RidgeCV(alphas=ALPHAS, cv=cv).fit(Str, Vtr)
    valid = [Ridge(alpha=a).fit(Str[:cut], Vtr[:cut]).score(Str[cut:], Vtr[cut:]) for a in ALPHAS]
    return m, m.predict(Ste), cut, valid


def cascade(alpha, Xtr, Ytr, Xte, degree=3):
    lin = Ridge(alpha=alpha).fit(Xtr, Ytr)
    ptr, pte = lin.predict(Xtr), lin.predict(Xte)
    out = np.empty((Xte.shape[0], Ytr.shape[1]))
    for k in range(Ytr.shape[1]):
        c = np.polyfit(ptr[:, k], Ytr[:, k], degree)
        out[:, k] = np.polyval(c, pte[:, k])
    return out


def cascade_cv(Str, Vtr, Ste):
    cut, _ = split(len(Str))
    valid = [r2_score(Vtr[cut:], cascade(a, Str[:cut], Vtr[:cut], Str[cut:])) for a in ALPHAS]
    best = int(np.argmax(valid))  # first best, as GridSearchCV
    return float(ALPHAS[best]), valid, cascade(ALPHAS[best], Str, Vtr, Ste)


mat = sio.loadmat(os.path.join(DATA, 'spikes', 'kordinglab-dad', 'chewie_demo.mat'))
Str, Ste = mat['Ytr'].astype(np.float64), mat['Yte'].astype(np.float64)
Vtr, Vte = mat['Xtr'].astype(np.float64), mat['Xte'].astype(np.float64)
Ctr, Cte = corrupt(mat['Ytr']), corrupt(mat['Yte'])
keep = [j for j in range(Str.shape[1]) if j not in SILENT]

try:
    kalman_centred(Ctr, Vtr, Cte, np.linalg.inv)
    inv_error = None
except np.linalg.LinAlgError as e:
    inv_error = str(e)
kf, kp = kalman_centred(Ctr, Vtr, Cte, np.linalg.pinv)
_, kp_reduced = kalman_centred(Str[:, keep], Vtr, Ste[:, keep], np.linalg.inv)
_, kp_clean = kalman_centred(Str, Vtr, Ste, np.linalg.inv)
A, W, H, Q = kf

out = dict(
    meta=dict(numpy=np.__version__, sklearn=sklearn.__version__, silent=SILENT, duplicate=DUPLICATE,
              duplicate_columns=[Str.shape[1] + i for i in range(len(DUPLICATE))], score_from=SCORE_FROM,
              alphas=flat(ALPHAS), valid_fraction=VALID_FRACTION),
    kalman_corrupted=dict(
        inv_error=inv_error,
        A=flat(A), W=flat(W), H=flat(H), Q_diag=flat(np.diag(Q)), Q_fro=float(np.linalg.norm(Q)),
        Q_rank=int(np.linalg.matrix_rank(Q)), kept_units=Ctr.shape[1] - len(SILENT),
        max_diff_to_independent_units=float(np.abs(kp - kp_reduced).max()),
        **pred_summary(kp), **scores(Vte, kp),
    ),
    kalman_clean=dict(**pred_summary(kp_clean), **scores(Vte, kp_clean)),
)

for name, (tr, te) in dict(ridge_clean=(Str, Ste), ridge_corrupted=(Ctr, Cte)).items():
    m, p, cut, valid = ridge_cv(tr, Vtr, te)
    out[name] = dict(alpha=float(m.alpha_), best_score=float(m.best_score_), valid_r2=flat(valid), fit_bins=cut,
                     coef=flat(m.coef_), intercept=flat(m.intercept_), **pred_summary(p), **scores(Vte, p))
    # the fixed alpha = 1 of the old default, scored on the same bins
    out[name]['alpha1'] = scores(Vte, Ridge(alpha=1.0).fit(tr, Vtr).predict(te))

a, valid, p = cascade_cv(Str, Vtr, Ste)
out['cascade_clean'] = dict(alpha=a, valid_r2=flat(valid), **pred_summary(p), **scores(Vte, p))

with open(OUT, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print('wrote', OUT)
for k in ['kalman_corrupted', 'kalman_clean', 'ridge_clean', 'ridge_corrupted', 'cascade_clean']:
    print(k, out[k].get('alpha'), out[k]['r2'], out[k].get('inv_error'), out[k].get('Q_rank'),
          out[k].get('max_diff_to_independent_units'), out[k].get('alpha1', {}).get('r2'))
