"""Golden values for src/insight/rsa: RDMs, comparisons, noise ceiling.

Reference: rsatoolbox's published definitions (rsatoolbox.rdm.calc, rsatoolbox.rdm.compare,
rsatoolbox.data.noise, rsatoolbox.inference.noise_ceiling), computed here with numpy/scipy
(rsatoolbox itself is not installed): scipy.spatial.distance.pdist for the plain RDMs,
scipy.stats for Spearman/Pearson, brute-force pair counting for Kendall's tau-a, and the
whitened cosine by its definition v'V^-1 w with V = (CC')o(CC') solved densely.
Run: /usr/bin/python3 scripts/golden/insight_rsa.py > test/golden/insight/rsa.json
"""
import itertools
import json
import numpy as np
import scipy.stats
from scipy.spatial.distance import pdist

rng = np.random.default_rng(14)
out = {}

# --- RDMs from condition patterns (conditions x channels) ---
X = rng.standard_normal((6, 5))
out['patterns'] = X.tolist()
out['rdm_correlation'] = pdist(X, 'correlation').tolist()
out['rdm_euclidean'] = (pdist(X, 'sqeuclidean') / X.shape[1]).tolist()  # rsatoolbox: squared / n_channels
out['rdm_cosine'] = pdist(X, 'cosine').tolist()

# --- noise covariance / precision (rsatoolbox.data.noise) ---
R = rng.standard_normal((12, 4)) @ np.array([[1, .5, 0, 0], [0, 1, .3, 0], [0, 0, 1, .2], [0, 0, 0, 1.]])
out['residuals'] = R.tolist()


def cov_rsatoolbox(res, method, dof=None):
    m = res - res.mean(0, keepdims=True)
    T, p = m.shape
    dof = T - 1 if dof is None else dof
    s_sum = m.T @ m
    s2_sum = np.einsum('ti,tj->ij', m ** 2, m ** 2)
    if method == 'diag':
        return np.diag(np.sum(m * m, 0) / dof)
    if method == 'full':
        return s_sum / dof
    if method == 'shrinkage_eye':
        s = s_sum / T
        b2 = np.sum(s2_sum / T - s * s) / T
        mu = np.trace(s) / p
        d2 = np.sum((s - mu * np.eye(p)) ** 2)
        b2 = min(d2, b2)
        return (b2 / d2 * mu * np.eye(p) + (d2 - b2) / d2 * s) * T / dof
    if method == 'shrinkage_diag':
        s = s_sum / dof
        var = np.diag(s)
        std = np.sqrt(var)
        mask = ~np.eye(p, dtype=bool)
        s_mean = s_sum / std[None] / std[:, None] / dof
        s2_mean = s2_sum / var[None] / var[:, None] / dof
        var_hat = T / dof ** 2 * (s2_mean - s_mean ** 2)
        lamb = max(min(np.sum(var_hat[mask]) / np.sum(s_mean[mask] ** 2), 1), 0)
        return s * (np.eye(p) + (1 - lamb) * mask)
    raise ValueError(method)


out['prec'] = {m: np.linalg.inv(cov_rsatoolbox(R, m)).tolist() for m in ['diag', 'full', 'shrinkage_eye', 'shrinkage_diag']}

# --- crossnobis: 5 conditions x 3 folds x 2 repeats per fold, 4 channels ---
n_cond, n_fold, n_rep, p = 5, 3, 2, 4
cond = np.tile(np.repeat(np.arange(n_cond), n_rep), n_fold)
fold = np.repeat(np.arange(n_fold), n_cond * n_rep)
means = rng.standard_normal((n_cond, p))
Y = means[cond] + 0.7 * rng.standard_normal((len(cond), p))
out['crossnobis_data'] = Y.tolist()
out['crossnobis_conditions'] = cond.tolist()
out['crossnobis_folds'] = fold.tolist()
P = np.array(out['prec']['shrinkage_diag'])


def crossnobis(Y, cond, fold, noise):
    rdms, weights = [], []
    for f in np.unique(fold):
        tr = np.stack([Y[(fold != f) & (cond == c)].mean(0) for c in np.unique(cond)])
        te = np.stack([Y[(fold == f) & (cond == c)].mean(0) for c in np.unique(cond)])
        kernel = tr @ noise @ te.T
        rdm = np.diag(kernel)[None] + np.diag(kernel)[:, None] - kernel - kernel.T
        rdms.append(rdm[np.triu_indices(len(tr), 1)] / tr.shape[1])
        weights.append(np.sum(fold == f))
    return (np.einsum('ij,i->j', np.array(rdms), np.array(weights)) / np.sum(weights)).tolist()


out['crossnobis_identity'] = crossnobis(Y, cond, fold, np.eye(p))
out['crossnobis_shrinkage_diag'] = crossnobis(Y, cond, fold, P)
# noise estimated from the data: residuals about the condition means, dof = n_obs - n_cond
# (rsatoolbox's prec_from_unbalanced / cov_from_unbalanced)
resid = Y - np.stack([Y[cond == c].mean(0) for c in range(n_cond)])[cond]
for m in ['diag', 'shrinkage_eye', 'shrinkage_diag']:
    out['crossnobis_own_' + m] = crossnobis(Y, cond, fold, np.linalg.inv(cov_rsatoolbox(resid, m, dof=len(Y) - n_cond)))

# --- comparisons: two RDM vectors over 7 conditions, one with ties (a categorical model) ---
n = 7
a = pdist(rng.standard_normal((n, 3)), 'sqeuclidean')
lab = np.array([0, 0, 1, 1, 1, 2, 2])
b = pdist(lab[:, None], lambda u, v: float(u[0] != v[0])) + 0.0
c = a + 0.5 * rng.standard_normal(a.shape) ** 2
out['cmp_a'] = a.tolist()
out['cmp_b'] = b.tolist()
out['cmp_c'] = c.tolist()


def tau_a(x, y):
    s = 0
    for i, j in itertools.combinations(range(len(x)), 2):
        s += np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
    return s / (len(x) * (len(x) - 1) / 2)


def contrast(n):
    pairs = list(itertools.combinations(range(n), 2))
    C = np.zeros((len(pairs), n))
    for k, (i, j) in enumerate(pairs):
        C[k, i], C[k, j] = 1, -1
    return C


def whitened_cosine(x, y, n):
    C = contrast(n)
    xi = C @ C.T
    V = xi * xi
    vx, vy = np.linalg.solve(V, x), np.linalg.solve(V, y)
    return float(x @ vy / np.sqrt(x @ vx * (y @ vy)))


def cmp(x, y, n):
    return {
        'spearman': float(scipy.stats.spearmanr(x, y).correlation),
        'tau_a': float(tau_a(x, y)),
        'pearson': float(scipy.stats.pearsonr(x, y)[0]),
        'cosine': float(x @ y / np.linalg.norm(x) / np.linalg.norm(y)),
        'whitened_cosine': whitened_cosine(x, y, n),
    }


out['cmp_ab'] = cmp(a, b, n)
out['cmp_ac'] = cmp(a, c, n)
out['cmp_bc'] = cmp(b, c, n)

# --- noise ceiling: 4 subjects, a shared structure plus subject noise ---
true = rng.standard_normal((n, 4))
subs = [pdist(true + 0.8 * rng.standard_normal(true.shape), 'sqeuclidean') for _ in range(4)]
out['nc_rdms'] = [s.tolist() for s in subs]


def pool(vs, method):
    vs = np.array(vs)
    if method in ('cosine', 'whitened_cosine'):
        vs = vs / np.sqrt(np.mean(vs ** 2, 1, keepdims=True))
        return vs.mean(0)
    if method == 'pearson':
        vs = vs - vs.mean(1, keepdims=True)
        vs = vs / vs.std(1, keepdims=True)
        m = vs.mean(0)
        return m - m.min()
    return np.array([scipy.stats.rankdata(v) for v in vs]).mean(0)


nc = {}
for method in ['spearman', 'tau_a', 'pearson', 'cosine', 'whitened_cosine']:
    lo, up = [], []
    allp = pool(subs, method)
    for s in range(len(subs)):
        others = [subs[i] for i in range(len(subs)) if i != s]
        lo.append(cmp(pool(others, method), subs[s], n)[method])
        up.append(cmp(allp, subs[s], n)[method])
    nc[method] = {'lower': float(np.mean(lo)), 'upper': float(np.mean(up))}
out['noise_ceiling'] = nc

# --- one bootstrap resample of conditions (with repeats): pairs of copies are dropped ---
pick = [0, 0, 2, 3, 5, 6, 6]
from scipy.spatial.distance import squareform
SA, SC = squareform(a), squareform(c)
ia = [(pick[i], pick[j]) for i, j in itertools.combinations(range(len(pick)), 2) if pick[i] != pick[j]]
out['boot_pick'] = pick
out['boot_sub_a'] = [float(SA[i, j]) for i, j in ia]
out['boot_spearman_ac'] = float(scipy.stats.spearmanr([SA[i, j] for i, j in ia], [SC[i, j] for i, j in ia]).correlation)

print(json.dumps(out, indent=1))
