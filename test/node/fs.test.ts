import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBytes, writeFileAtomic } from '../../src/node/index.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-fs-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic creates the file and leaves no temp files', () => {
  withDir((dir) => {
    const p = join(dir, 'a.bin');
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual(readdirSync(dir), ['a.bin']);
    assert.deepEqual([...readBytes(p)], [1, 2, 3]);
    writeFileAtomic(join(dir, 'b.txt'), 'héllo');
    assert.equal(readFileSync(join(dir, 'b.txt'), 'utf8'), 'héllo');
    writeFileAtomic(join(dir, 'empty'), new Uint8Array(0));
    assert.equal(readBytes(join(dir, 'empty')).length, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['a.bin', 'b.txt', 'empty']);
  });
});

test('writeFileAtomic overwrites whole files, subarray views included', () => {
  withDir((dir) => {
    const p = join(dir, 'w.bin');
    writeFileAtomic(p, new Uint8Array(100_000).fill(7));
    const big = new Uint8Array([9, 9, 4, 5, 6, 9]);
    writeFileAtomic(p, big.subarray(2, 5));
    assert.deepEqual([...readBytes(p)], [4, 5, 6]);
    assert.deepEqual(readdirSync(dir), ['w.bin']);
  });
});

test('a failed write removes its temp file and names the path', () => {
  withDir((dir) => {
    const target = join(dir, 'sub');
    mkdirSync(target); // rename of a file onto a directory fails after the temp is written
    assert.throws(() => writeFileAtomic(target, 'x'), (e: Error) => e.message.includes(target));
    assert.deepEqual(readdirSync(dir), ['sub']);
    assert.throws(() => writeFileAtomic(join(dir, 'missing', 'f'), 'x'), /missing/);
  });
});

test('readBytes errors name the path and keep the code', () => {
  const p = join(tmpdir(), 'dendrite-no-such-file-xyz');
  assert.throws(() => readBytes(p), (e: NodeJS.ErrnoException) => e.code === 'ENOENT' && e.message.includes(p));
});
