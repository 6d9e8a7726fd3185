"""Reference values for src/decode (CSP, LDA, metrics) on real EEG.

Follows MNE's example "Motor imagery decoding from EEG data using the Common Spatial
Pattern (CSP)" (examples/decoding/decoding_csp_eeg.py, MNE 1.3): EEGMMIDB subject 1, runs
6, 10, 14 (imagined hands vs feet), concatenated, band-pass 7-30 Hz (firwin, skip_by_annotation
='edge'), T1 -> hands (2), T2 -> feet (3), Epochs(tmin=-1, tmax=4, proj=True, EEG picks,
baseline=None), cropped to 1.0-2.0 s; labels = event id - 2.

Then: CSP(n_components=4, reg=None, log=True, norm_trace=False) and LinearDiscriminantAnalysis
(solver='lsqr', shrinkage='auto', and the default solver='svd'), trained on the epochs of runs
6 and 10, tested on run 14; sklearn metrics on the test predictions.

The epoch data is rounded to float32 and dumped (one little-endian .f32 file per run,
shape (E_run, 64, 161)); every reference value below is computed from that rounded data
(as float64), so the TypeScript side sees exactly the same input.

Run with Debian's python3 (python3-mne 1.3, python3-sklearn 1.2):
    /usr/bin/python3 scripts/golden/decode_reference.py
"""
import json
import os

import mne
import numpy as np
from mne.decoding import CSP
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, cohen_kappa_score,
                             confusion_matrix)

mne.set_log_level('WARNING')
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get('DENDRITE_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
OUT = os.path.join(ROOT, 'test', 'golden', 'decode')
os.makedirs(OUT, exist_ok=True)

runs = [6, 10, 14]
files = [os.path.join(DATA, 'eeg', 'eegmmidb', 'S001R%02d.edf' % r) for r in runs]
raws = [mne.io.read_raw_edf(f, preload=True) for f in files]
run_lengths = [r.n_times for r in raws]
raw = mne.io.concatenate_raws(raws)
mne.datasets.eegbci.standardize(raw)
raw.filter(7.0, 30.0, fir_design='firwin', skip_by_annotation='edge')
events, _ = mne.events_from_annotations(raw, event_id=dict(T1=2, T2=3))
picks = mne.pick_types(raw.info, meg=False, eeg=True, stim=False, eog=False, exclude='bads')
epochs = mne.Epochs(raw, events, dict(hands=2, feet=3), -1.0, 4.0, proj=True, picks=picks,
                    baseline=None, preload=True)
epochs_train = epochs.copy().crop(tmin=1.0, tmax=2.0)
labels = epochs.events[:, -1] - 2
X = epochs_train.get_data().astype(np.float32)
# which run each kept epoch comes from
bounds = np.cumsum([0] + run_lengths)
run_of = np.searchsorted(bounds, epochs.events[:, 0], side='right') - 1

per_run = []
for i, r in enumerate(runs):
    sel = run_of == i
    name = 'S001R%02d_epochs.f32' % r
    X[sel].astype('<f4').tofile(os.path.join(OUT, name))
    per_run.append(dict(run=r, file=name, n_epochs=int(sel.sum()), labels=labels[sel].tolist()))

X64 = X.astype(np.float64)
train = run_of < 2
test = run_of == 2
Xtr, ytr, Xte, yte = X64[train], labels[train], X64[test], labels[test]

csp = CSP(n_components=4, reg=None, log=True, norm_trace=False)
ftr = csp.fit_transform(Xtr, ytr)
fte = csp.transform(Xte)
# generalized eigenvalues in MNE's order (filters are B-normalised: w^T (C1+C2) w = 1)
covs, _ = csp._compute_covariance_matrices(Xtr, ytr)
C = covs[0] + covs[1]
eig = np.array([f @ covs[0] @ f / (f @ C @ f) for f in csp.filters_])

# all 64 components in csp_space would be large; keep the 4 picked patterns/filters
out = dict(
    description='MNE CSP + sklearn LDA on EEGMMIDB S001 R06/R10 (train) vs R14 (test), hands vs feet',
    mne_version=mne.__version__,
    sklearn_version=__import__('sklearn').__version__,
    sfreq=float(epochs.info['sfreq']),
    ch_names=epochs.ch_names,
    shape_per_epoch=list(X.shape[1:]),
    runs=per_run,
    csp=dict(
        n_components=4,
        eigenvalues=eig.tolist(),
        filters=csp.filters_[:4].tolist(),
        patterns=csp.patterns_[:4].tolist(),
        mean=csp.mean_.tolist(),
        std=csp.std_.tolist(),
        features_train=ftr.tolist(),
        features_test=fte.tolist(),
    ),
)

for name, kw in (('lda_lsqr_auto', dict(solver='lsqr', shrinkage='auto')), ('lda_svd', {})):
    lda = LinearDiscriminantAnalysis(**kw).fit(ftr, ytr)
    pred = lda.predict(fte)
    out[name] = dict(
        kwargs=kw,
        coef=lda.coef_.tolist(),
        intercept=lda.intercept_.tolist(),
        decision_test=lda.decision_function(fte).tolist(),
        proba_test=lda.predict_proba(fte).tolist(),
        pred_test=pred.tolist(),
        pred_train=lda.predict(ftr).tolist(),
        metrics=dict(
            accuracy=accuracy_score(yte, pred),
            balanced_accuracy=balanced_accuracy_score(yte, pred),
            cohen_kappa=cohen_kappa_score(yte, pred),
            confusion_matrix=confusion_matrix(yte, pred).tolist(),
        ),
    )

# LDA on the full 64-channel log-variance (no CSP): a harder, higher-dimensional case
lv_tr = np.log((Xtr ** 2).mean(axis=2))
lv_te = np.log((Xte ** 2).mean(axis=2))
lda = LinearDiscriminantAnalysis(solver='lsqr', shrinkage='auto').fit(lv_tr, ytr)
out['lda_logvar64_lsqr_auto'] = dict(coef=lda.coef_.tolist(), intercept=lda.intercept_.tolist(),
                                     decision_test=lda.decision_function(lv_te).tolist(),
                                     pred_test=lda.predict(lv_te).tolist())

# three-class CSP (MNE's multi-class: Pham's joint diagonalisation + mutual-information order),
# classes = run-6 hands, run-6 feet, run-10 hands (synthetic grouping, for the algorithm only)
y3 = np.where(run_of[train] == 0, ytr, 2 * (ytr == 0))
csp3 = CSP(n_components=4).fit(Xtr, y3)
f3tr, f3te = csp3.transform(Xtr), csp3.transform(Xte)
out['csp3'] = dict(labels=y3.tolist(), features_test=f3te.tolist(),
                   filters=csp3.filters_[:4].tolist())
# three-class LDA on those features, both solvers
for name, kw in (('lda3_svd', {}), ('lda3_lsqr_auto', dict(solver='lsqr', shrinkage='auto'))):
    lda = LinearDiscriminantAnalysis(**kw).fit(f3tr, y3)
    out[name] = dict(features_train=f3tr.tolist(), coef=lda.coef_.tolist(), intercept=lda.intercept_.tolist(),
                     decision_test=lda.decision_function(f3te).tolist(),
                     proba_test=lda.predict_proba(f3te).tolist(), pred_test=lda.predict(f3te).tolist())

# metrics on multi-class, unbalanced label vectors
yt = [0, 1, 2, 2, 1, 0, 3, 3, 3, 1, 2, 0, 0, 1]
yp = [0, 2, 2, 1, 1, 0, 3, 0, 3, 1, 2, 2, 0, 0]
out['metrics_multiclass'] = dict(
    y_true=yt, y_pred=yp,
    accuracy=accuracy_score(yt, yp),
    balanced_accuracy=balanced_accuracy_score(yt, yp),
    cohen_kappa=cohen_kappa_score(yt, yp),
    cohen_kappa_linear=cohen_kappa_score(yt, yp, weights='linear'),
    cohen_kappa_quadratic=cohen_kappa_score(yt, yp, weights='quadratic'),
    confusion_matrix=confusion_matrix(yt, yp).tolist(),
)

with open(os.path.join(OUT, 'csp_lda_eegmmidb_S001.json'), 'w') as f:
    json.dump(out, f)
print('wrote', OUT, X.shape, 'acc lsqr', out['lda_lsqr_auto']['metrics']['accuracy'],
      'acc svd', out['lda_svd']['metrics']['accuracy'])
