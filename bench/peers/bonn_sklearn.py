"""sklearn peer for bench/imaging_bonn.ts: the classical Bonn reference (scripts/golden/bonn_reference.py)
on the folds given as JSON on argv[1] ({"fold_of": [...], "data": DIR}), timed. Prints one JSON line."""
import json, os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'scripts', 'golden'))
import numpy as np
import bonn_reference as ref

args = json.loads(sys.argv[1])
os.environ['DENDRITE_DATA'] = args.get('data_root', ref.DATA)
ref.DATA = os.environ['DENDRITE_DATA']
t0 = time.perf_counter(); X, sets = ref.load(); t_load = time.perf_counter() - t0
t0 = time.perf_counter(); F = np.array([ref.features(x) for x in X]); t_feat = time.perf_counter() - t0
t0 = time.perf_counter(); r = ref.evaluate(F, sets, np.array(args['fold_of']), exact=False); t_eval = time.perf_counter() - t0
print(json.dumps(dict(auroc_s=r['auroc_s'], auroc_nf=r['auroc_nf'], balanced_accuracy=r['balanced_accuracy'], seconds=dict(load=t_load, features=t_feat, evaluate=t_eval))))
