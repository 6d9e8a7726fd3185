// `dendrite decode eeg` on real EEGMMIDB runs: CSP+LDA reaches MNE's figure on hands vs feet,
// a 2-epoch ShallowFBCSPNet smoke run (and a cropped one) writes results and report, bad inputs fail clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeEegCli } from '../../src/cli/decode.js';
import { ArgumentError } from '../../src/errors.js';

const eeg = resolve(process.env['DENDRITE_DATA'] ?? '../shared/data', 'eeg/eegmmidb');
const f = (r: string) => join(eeg, `S001${r}.edf`);

test('decode eeg: CSP+LDA on hands vs feet (train R06+R10, test R14) and a ShallowFBCSPNet smoke run', (t) => {
  if (!existsSync(eeg)) return t.skip(`EEGMMIDB not found at ${eeg}`);
  const out = mkdtempSync(join(tmpdir(), 'dendrite-decode-'));
  try {
    const quiet = () => undefined;
    const r = decodeEegCli(['--train', `${f('R06')},${f('R10')}`, '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--model', 'csp-lda', '--out', out], quiet);
    assert.equal(r.nTest, 15);
    assert.ok(r.accuracy >= 0.85, `CSP+LDA accuracy ${r.accuracy} (MNE's example: ~0.93)`);
    const s = decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--epochs', '2', '--out', out], quiet);
    assert.equal(s.history!.length, 2);
    const cr = decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=hands,T2=feet', '--epochs', '1', '--cropped', '--out', out], quiet);
    assert.equal(cr.model, 'shallow (cropped)');
    assert.equal(cr.nTest, 15);
    const runs = readdirSync(out);
    assert.equal(runs.length, 3);
    for (const d of runs) {
      assert.deepEqual(readdirSync(join(out, d)).sort(), ['report.html', 'results.json']);
      assert.match(readFileSync(join(out, d, 'report.html'), 'utf8'), /<svg/);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('decode eeg: unknown events, mismatched channels and bad options give clear errors', (t) => {
  if (!existsSync(eeg)) return t.skip(`EEGMMIDB not found at ${eeg}`);
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'X1=a,X2=b'], () => undefined), /has none of the events X1, X2; its annotations are T0, T1, T2/);
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14')], () => undefined), (e: Error) => e instanceof ArgumentError && /--events is required/.test(e.message));
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=a,T2=b', '--model', 'resnet'], () => undefined), /unknown model 'resnet'/);
  assert.throws(() => decodeEegCli(['--train', f('R06'), '--test', f('R14'), '--events', 'T1=a,T2=b', '--tmax', '200'], () => undefined), /too short/);
});
