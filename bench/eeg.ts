// `npm run bench:eeg`: decoding motor imagery from real EEG (PhysioNet EEGMMIDB, subject S001),
// CSP + LDA next to the deep models, on held-out runs.
//   hands vs feet (T1/T2 of imagery runs R06, R10, R14): train R06+R10, test R14, and the mean
//   of the three leave-one-run-out folds;
//   left vs right fist (imagery runs R04 train, R08 test).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEdf } from '../src/io/edf/index.js';
import { Raw } from '../src/neuro/raw.js';
import { defaultRecipes, runFold, runFoldSelected, type FoldData, type FoldResult } from '../src/decode/eeg_eval.js';
import { eegModels } from '../src/models/registry.js';

const root = join(process.env['DENDRITE_DATA'] ?? '../shared/data', 'eeg/eegmmidb');
if (!existsSync(root)) {
  console.log(`EEGMMIDB not found at ${root} (set DENDRITE_DATA)`);
  process.exit(0);
}
const load = (run: string) => Raw.fromRecording(readEdf(new Uint8Array(readFileSync(join(root, `S001${run}.edf`))), `S001${run}.edf`));
const runs = Object.fromEntries(['R04', 'R06', 'R08', 'R10', 'R14'].map((r) => [r, load(r)]));
const models = ['csp-lda', 'csp-slda', ...(process.env['EEG_MODELS']?.split(',').filter(Boolean) ?? [...eegModels.keys()])];
const epochs = process.env['EEG_EPOCHS'] ? Number(process.env['EEG_EPOCHS']) : undefined; // default: each model's own
// Deep models: the recipe (band, window, trialwise or cropped) is chosen per fold by nested
// validation on the training runs only (runFoldSelected), then retrained on all training runs
// and tested once. CSP+LDA uses MNE's example settings unchanged (plain LDA, as the example;
// csp-slda the same with Ledoit-Wolf shrinkage).
const base = epochs === undefined ? {} : { epochs };
const handsFeet = { mapping: { T1: 0, T2: 1 }, classNames: ['hands', 'feet'], ...base };
const leftRight = { mapping: { T1: 0, T2: 1 }, classNames: ['left', 'right'], ...base };
const hf = (test: string): FoldData => ({ name: `test ${test}`, train: ['R06', 'R10', 'R14'].filter((r) => r !== test).map((r) => runs[r]!), test: [runs[test]!] });
const run = (m: string, fold: FoldData, cfg: typeof handsFeet): FoldResult & { recipe?: string } => (m.startsWith('csp-') ? runFold(m, fold, cfg) : runFoldSelected(m, fold, cfg));
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

const rows: string[][] = [['task', 'model', 'test R14 (or R08)', 'chance', 'leave-one-run-out mean', 'recipe chosen (per fold)', 's (R14 fold)']];
const results: (FoldResult & { recipe?: string })[] = [];
const show = () => process.stderr.write(`${rows[rows.length - 1]!.join(' | ')}\n`);
for (const m of models) {
  const folds = ['R14', 'R06', 'R10'].map((t) => run(m, hf(t), handsFeet));
  results.push(...folds);
  const mean = folds.reduce((a, f) => a + f.accuracy, 0) / folds.length;
  rows.push(['hands vs feet', folds[0]!.model, pct(folds[0]!.accuracy), pct(folds[0]!.chance),
    `${pct(mean)} (${folds.map((f) => (100 * f.accuracy).toFixed(0)).join(', ')})`, folds.map((f) => f.recipe ?? 'MNE example').join('; '), folds[0]!.seconds.toFixed(1)]);
  show();
}
for (const m of models) {
  const f = run(m, { name: 'test R08', train: [runs['R04']!], test: [runs['R08']!] }, leftRight);
  results.push(f);
  rows.push(['left vs right fist', f.model, pct(f.accuracy), pct(f.chance), '—', f.recipe ?? 'MNE example', f.seconds.toFixed(1)]);
  show();
}
const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
const line = (r: string[]) => `| ${r.map((v, c) => v.padEnd(w[c]!)).join(' | ')} |`;
console.log(line(rows[0]!));
console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
for (const r of rows.slice(1)) console.log(line(r));
console.log(`deep models: ${epochs ?? `each model's default epochs (${[...eegModels].map(([n, m]) => `${n} ${m.epochs ?? 60}`).join(', ')})`} epochs, AdamW + cosine (Braindecode's lr/weight decay per model), batch 16, causal exponential standardisation, augmentation (time reverse, sign flip, noise, frequency shift, smooth time mask); recipe per fold chosen by inner validation on the training runs among: ${defaultRecipes.map((r) => r.name).join(', ')} (cropped only for shallow/deep4). CSP+LDA: 7-30 Hz, 1-2 s, 4 components, plain LDA (MNE's example); CSP+shrinkage LDA: the same with Ledoit-Wolf shrinkage.`);
