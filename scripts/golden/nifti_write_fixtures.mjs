// Writes small NIfTI-1 files with dendrite's writeNifti for nibabel to read back
// (scripts/golden/nifti_write.py). Run after `npm run build`, from the repository root:
//   node scripts/golden/nifti_write_fixtures.mjs && /usr/bin/python3 scripts/golden/nifti_write.py
// The cases are defined in test/io/nifti/write_cases.ts (compiled to dist/), which the test uses
// too, so the test checks that today's writer still produces these exact bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeNifti } from '../../dist/src/io/nifti/write.js';
import { WRITE_CASES } from '../../dist/test/io/nifti/write_cases.js';

const dir = 'test/golden/nifti_write';
mkdirSync(dir, { recursive: true });
for (const c of WRITE_CASES) {
  const bytes = writeNifti(c.image(), c.opts);
  writeFileSync(`${dir}/${c.name}`, bytes);
  console.log(c.name, bytes.length);
}
