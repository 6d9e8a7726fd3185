// Standard montages, EEGMMIDB label cleaning and head-frame positions against MNE 1.3
// (test/golden/insight/montage_1005.json from scripts/golden/montage_reference.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { standardMontage, standardizeEegbciName, montagePositions, type MontageKind } from '../../src/neuro/montage.js';
import { ArgumentError } from '../../src/errors.js';

const ref = JSON.parse(readFileSync('test/golden/insight/montage_1005.json', 'utf8'));

function close(a: readonly number[], b: readonly number[], tol: number, what: string): void {
  for (let i = 0; i < b.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs MNE ${b[i]}`);
}

for (const kind of ['standard_1005', 'standard_1020'] as MontageKind[]) {
  test(`standardMontage('${kind}') matches make_standard_montage`, () => {
    const m = standardMontage(kind);
    const r = ref.montages[kind];
    assert.deepEqual(m.chNames, r.ch_names);
    m.chPos.forEach((p, i) => close(p, r.ch_pos[i], 1e-12, `${kind} ${m.chNames[i]}`));
    // MNE's fiducials are float32 (fsaverage-fiducials.fif)
    close(m.nasion, r.nasion, 1e-9, 'nasion');
    close(m.lpa, r.lpa, 1e-9, 'lpa');
    close(m.rpa, r.rpa, 1e-9, 'rpa');
  });
}

test('standardizeEegbciName is mne.datasets.eegbci.standardize on all 64 EEGMMIDB labels', () => {
  assert.deepEqual(ref.eegmmidb.raw_names.map(standardizeEegbciName), ref.eegmmidb.standard_names);
  assert.equal(standardizeEegbciName('Fpz.'), 'Fpz');
  assert.equal(standardizeEegbciName('Iz..'), 'Iz');
});

test('montagePositions gives the head-frame positions raw.set_montage stores', () => {
  const pos = montagePositions(standardMontage('standard_1005'), ref.eegmmidb.standard_names);
  // MNE builds the head transform from float32 fiducials: agreement to float32 precision (~1e-8 m)
  pos.forEach((p, i) => close(p!, ref.eegmmidb.head_pos[i], 1e-8, ref.eegmmidb.standard_names[i]));
});

test('montagePositions matches case-insensitively unless matchCase, and names missing channels', () => {
  const m = standardMontage('standard_1020');
  const [a] = montagePositions(m, ['FPZ']);
  const [b] = montagePositions(m, ['Fpz']);
  assert.deepEqual(a, b);
  assert.throws(() => montagePositions(m, ['FPZ'], { matchCase: true }), (e: unknown) => e instanceof ArgumentError && /'FPZ'/.test(e.message));
  assert.throws(() => montagePositions(m, ['Cz', 'C3..', 'XYZ']), (e: unknown) => e instanceof ArgumentError && /'C3\.\.', 'XYZ'/.test(e.message) && /standard_1020/.test(e.message));
  assert.deepEqual(montagePositions(m, ['XYZ', 'Cz'], { onMissing: 'ignore' }).map((p) => p === null), [true, false]);
  assert.throws(() => standardMontage('standard_9999' as MontageKind), ArgumentError);
  assert.throws(() => standardMontage('standard_1005', { headSize: -1 }), ArgumentError);
});

test('Raw.setMontage puts MNE\'s head-frame positions on the EEG channels; pick keeps them; a missing channel is an ArgumentError', async () => {
  const { Raw } = await import('../../src/neuro/raw.js');
  const names: string[] = [...ref.eegmmidb.standard_names, 'STI 014'];
  const raw = new Raw(names.map(() => new Float64Array(4)), {
    sfreq: 160, chNames: names, chTypes: names.map((n) => (n === 'STI 014' ? 'stim' : 'eeg')), units: names.map(() => 'V'), bads: [], measDate: null,
  });
  const withPos = raw.setMontage('standard_1005');
  const pos = withPos.info.chPos!;
  assert.equal(pos.length, names.length);
  ref.eegmmidb.head_pos.forEach((p: number[], i: number) => close(pos[i]!, p, 1e-8, names[i]!));
  assert.equal(pos[names.length - 1], null, 'the stim channel has no position');
  assert.equal(raw.info.chPos, undefined, 'setMontage returns a new Raw');
  const picked = withPos.pick(['Cz', 'C3']);
  close(picked.info.chPos![0]!, ref.eegmmidb.head_pos[names.indexOf('Cz')], 1e-8, 'Cz after pick');
  const odd = new Raw([new Float64Array(4)], { sfreq: 160, chNames: ['Fc5.'], chTypes: ['eeg'], units: ['V'], bads: [], measDate: null });
  assert.throws(() => odd.setMontage('standard_1005'), /not in standard_1005: 'Fc5\.'/);
  assert.deepEqual(odd.setMontage('standard_1005', { onMissing: 'ignore' }).info.chPos, [null]);
});
