"""Classical anomaly-detection reference on the Bonn epilepsy EEG (Andrzejak et al. 2001).

Reads ../shared/data/eeg/bonn/{Z,O,N,F,S}.zip straight from the zips and writes
test/golden/bonn/reference.json:
  - the 5-fold segment-wise stratified CV assignment of dendrite's stratifiedKFold(set, 5, seed)
    (xoshiro128** seeded by splitmix32, ported below), so dendrite and this script use the SAME folds;
  - per segment: log Welch band powers (1-4, 4-8, 8-13, 13-30, 30-60 Hz), log variance, log line length;
  - per fold: a Ledoit-Wolf Gaussian fitted on the healthy (Z+O) training segments, squared
    Mahalanobis distance of every test segment, AUROC for S vs Z+O and N+F vs Z+O;
  - per fold: StandardScaler + multinomial L2 logistic regression (lbfgs, C=1) on the 3 classes
    Z+O / N+F / S, test probabilities and balanced accuracy;
  - the same figures on sklearn's own StratifiedKFold(5, shuffle=True, random_state=0) for comparison;
  - small roc_curve / roc_auc_score cases with ties.

Welch: scipy.signal.welch(x, fs=173.61, window='hann', nperseg=256, noverlap=128, detrend='constant',
scaling='density'); band power = df * sum of the PSD over bins lo <= f < hi; variance with ddof=0;
line length = mean |x[t+1] - x[t]|. Features use the raw integer samples (A/D units).

Run with Debian's python3 from the repository root: /usr/bin/python3 scripts/golden/bonn_reference.py
"""
import json, os, re, sys, time, zipfile
import numpy as np
from scipy.signal import welch
from sklearn.covariance import LedoitWolf
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

DATA = os.environ.get('DENDRITE_DATA', '../shared/data')
SETS = 'ZONFS'
FS = 173.61
BANDS = [(1, 4), (4, 8), (8, 13), (13, 30), (30, 60)]
NPERSEG = 256
SEED = 0
K = 5
M32 = 0xFFFFFFFF


def load():
    segs, sets = [], []
    for si, s in enumerate(SETS):
        z = zipfile.ZipFile(os.path.join(DATA, 'eeg', 'bonn', s + '.zip'))
        names = sorted(n for n in z.namelist() if '__MACOSX' not in n and re.search(r'(^|/)%s(\d{3})\.txt$' % s, n, re.I))
        assert len(names) == 100, (s, len(names))
        for n in names:
            x = np.array(z.read(n).split(), dtype=np.float64)
            assert x.size == 4097
            segs.append(x)
            sets.append(si)
    return np.array(segs), np.array(sets)


def features(x):
    f, p = welch(x, FS, window='hann', nperseg=NPERSEG, noverlap=NPERSEG // 2, detrend='constant', scaling='density')
    df = f[1] - f[0]
    bp = [np.log(p[(f >= lo) & (f < hi)].sum() * df) for lo, hi in BANDS]
    return bp + [np.log(np.var(x)), np.log(np.mean(np.abs(np.diff(x))))]


class Generator:
    """dendrite's src/tensor/random.ts Generator: xoshiro128** seeded by splitmix32."""

    def __init__(self, seed):
        x = (int(seed) ^ int(seed / 2 ** 32)) & M32
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = x
            z = ((z ^ (z >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            s.append((z ^ (z >> 16)) & M32)
        self.s = s

    def next_u32(self):
        s0, s1, s2, s3 = self.s
        rotl = lambda v, k: ((v << k) | (v >> (32 - k))) & M32
        r = (rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return r

    def random(self):
        hi = self.next_u32() >> 5
        lo = self.next_u32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def int(self, low, high):
        return low + int(np.floor(self.random() * (high - low)))


def stratified_kfold(y, k, seed):
    """dendrite's decode/cross_validation.ts stratifiedKFold: the fold of every sample."""
    gen = Generator(seed)
    fold = np.zeros(len(y), dtype=int)
    offset = 0
    for c in sorted(set(y.tolist())):
        idx = [i for i in range(len(y)) if y[i] == c]
        for i in range(len(idx) - 1, 0, -1):
            j = gen.int(0, i + 1)
            idx[i], idx[j] = idx[j], idx[i]
        for r, s in enumerate(idx):
            fold[s] = (r + offset) % k
        offset = (offset + len(idx)) % k
    return fold


def evaluate(F, sets, fold_of, exact=True):
    y3 = np.array([0, 0, 1, 1, 2])[sets]
    maha = np.zeros(len(F))
    proba = np.zeros((len(F), 3))
    polished = np.zeros((len(F), 3))
    folds = []
    for f in range(K):
        tr = np.where(fold_of != f)[0]
        te = np.where(fold_of == f)[0]
        healthy = tr[sets[tr] <= 1]
        lw = LedoitWolf().fit(F[healthy])
        sc = lw.mahalanobis(F[te])
        maha[te] = sc
        st = sets[te]
        m = (st <= 1) | (st == 4)
        auc_s = roc_auc_score(st[m] == 4, sc[m])
        m = st <= 3
        auc_nf = roc_auc_score(st[m] >= 2, sc[m])
        ss = StandardScaler().fit(F[tr])
        lr = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000).fit(ss.transform(F[tr]), y3[tr])
        p = lr.predict_proba(ss.transform(F[te]))
        proba[te] = p
        if exact:
            polished[te] = polish(lr, ss.transform(F[tr]), y3[tr]).predict_proba(ss.transform(F[te]))
        ba = balanced_accuracy_score(y3[te], p.argmax(1))
        folds.append(dict(shrinkage=float(lw.shrinkage_), location=lw.location_.tolist(), auroc_s=auc_s, auroc_nf=auc_nf, balanced_accuracy=ba))
    mean = lambda key: float(np.mean([fd[key] for fd in folds]))
    return dict(folds=folds, maha=maha.tolist(), proba=proba.tolist(), proba_exact=polished.tolist(),
                auroc_s=mean('auroc_s'), auroc_nf=mean('auroc_nf'), balanced_accuracy=mean('balanced_accuracy'))


def polish(lr, X, y, steps=8):
    """sklearn's lbfgs stops on scipy's ftol (64 eps relative decrease), not on tol: here its
    gradient max-norm is ~6e-4. Newton steps from its solution reach the exact optimum of the
    same objective, sum log-loss + |W|^2 / (2C), which dendrite's solver is checked against."""
    K, p = lr.coef_.shape
    T = np.eye(K)[y]
    th = np.hstack([lr.coef_, lr.intercept_[:, None]]).ravel()
    Xa = np.hstack([X, np.ones((len(X), 1))])
    reg = np.tile(np.r_[np.ones(p), 0.0], K) / lr.C
    for _ in range(steps):
        Z = Xa @ th.reshape(K, p + 1).T
        P = np.exp(Z - Z.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
        g = ((P - T).T @ Xa).ravel() + reg * th
        H = np.zeros((K * (p + 1), K * (p + 1)))
        for k in range(K):
            for l in range(K):
                w = P[:, k] * ((k == l) - P[:, l])
                H[k*(p+1):(k+1)*(p+1), l*(p+1):(l+1)*(p+1)] = (Xa * w[:, None]).T @ Xa
        H += np.diag(reg)
        th = th - np.linalg.pinv(H, rcond=1e-12) @ g
    out = LogisticRegression(C=lr.C)
    out.classes_ = lr.classes_
    out.coef_ = th.reshape(K, p + 1)[:, :p].copy()
    out.intercept_ = th.reshape(K, p + 1)[:, p].copy()
    assert np.abs(g).max() < 1e-9, np.abs(g).max()
    return out


def roc_cases():
    rng = np.random.default_rng(3)
    cases = []
    for n, ties in [(12, False), (40, True), (7, True)]:
        y = rng.integers(0, 2, n)
        y[0], y[1] = 0, 1
        s = rng.normal(size=n) + y
        if ties:
            s = np.round(s * 2) / 2
        fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
        cases.append(dict(y=y.tolist(), score=s.tolist(), auc=roc_auc_score(y, s), fpr=fpr.tolist(), tpr=tpr.tolist(), thresholds=[float(t) if np.isfinite(t) else None for t in thr]))
    return cases


def window_spectra(x, W=256, lo=0.5, hi=60.0):
    """Per-window log spectra as decode/anomaly/deep.ts windowSpectra: mean removed, periodic
    Hann, |rfft|^2, bins lo <= f <= hi (trimmed to a multiple of 4), log(P + 1e-6)."""
    from scipy.signal import get_window
    nw = len(x) // W
    f = np.fft.rfftfreq(W, 1 / FS)
    keep = np.where((f >= lo) & (f <= hi))[0]
    keep = keep[: len(keep) - len(keep) % 4]
    w = x[: nw * W].reshape(nw, W)
    w = (w - w.mean(1, keepdims=True)) * get_window('hann', W)
    return np.log(np.abs(np.fft.rfft(w, axis=1))[:, keep] ** 2 + 1e-6), f[keep]


def main():
    X, sets = load()
    t0 = time.perf_counter()
    F = np.array([features(x) for x in X])
    t_feat = time.perf_counter() - t0
    fold_of = stratified_kfold(sets, K, SEED)
    t0 = time.perf_counter()
    ours = evaluate(F, sets, fold_of)
    t_eval = time.perf_counter() - t0
    sk_fold = np.zeros(len(F), dtype=int)
    for f, (_, te) in enumerate(StratifiedKFold(K, shuffle=True, random_state=SEED).split(F, sets)):
        sk_fold[te] = f
    sk = evaluate(F, sets, sk_fold)
    out = dict(
        sfreq=FS, bands=BANDS, nperseg=NPERSEG, noverlap=NPERSEG // 2, window='hann', seed=SEED, k=K,
        sets=list(SETS), set_of=sets.tolist(), fold_of=fold_of.tolist(),
        features=F.tolist(),
        first_samples=[X[i, :5].tolist() for i in range(0, 500, 100)],
        sums=[float(X[i].sum()) for i in range(500)],
        dendrite_folds=ours,
        sklearn_folds=dict(fold_of=sk_fold.tolist(), auroc_s=sk['auroc_s'], auroc_nf=sk['auroc_nf'], balanced_accuracy=sk['balanced_accuracy']),
        seconds=dict(features=t_feat, evaluate=t_eval),
        roc_cases=roc_cases(),
        window_spectra=dict(segments=[0, 250, 450], freqs=window_spectra(X[0])[1].tolist(),
                            values=[window_spectra(X[i])[0].tolist() for i in (0, 250, 450)]),
    )
    os.makedirs('test/golden/bonn', exist_ok=True)
    with open('test/golden/bonn/reference.json', 'w') as fh:
        json.dump(out, fh, separators=(',', ':'))
    print('dendrite folds: AUROC S %.3f  N+F %.3f  balanced accuracy %.3f' % (ours['auroc_s'], ours['auroc_nf'], ours['balanced_accuracy']))
    print('sklearn folds:  AUROC S %.3f  N+F %.3f  balanced accuracy %.3f' % (sk['auroc_s'], sk['auroc_nf'], sk['balanced_accuracy']))
    print('seconds: features %.3f  evaluate %.3f' % (t_feat, t_eval))


if __name__ == '__main__':
    sys.exit(main())
