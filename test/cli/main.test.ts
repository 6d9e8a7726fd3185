// The `dendrite` executable as a user meets it: --version, help for every command, and one-line
// errors (exit 2, no stack trace, no hang) for an --out that cannot hold results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/src/cli/main.js', ...args], { encoding: 'utf8', timeout: 30_000 });

test('dendrite --version prints package.json\'s version', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const r = cli('--version');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `dendrite ${pkg.version}\n`);
});

test('train --help and decode --help print help, not "unknown model"', () => {
  for (const [args, re] of [[['train', '--help'], /usage: dendrite train <model>[\s\S]*lenet/], [['decode', '--help'], /usage: dendrite decode <target>[\s\S]*eeg[\s\S]*spikes/], [['train', 'lenet', '--help'], /--epochs N/], [['decode', 'eeg', '-h'], /--events MAP/]] as const) {
    const r = cli(...args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, re);
    assert.equal(r.stderr, '');
  }
  const bad = cli('train', 'resnet');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown model 'resnet' \(available: lenet\)/);
});

test('--out at a file, /proc or /sys: one typed line, exit 2, before any data is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-out-'));
  try {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [['train', 'lenet', '--out', file, '--data', '/nonexistent'], /^dendrite: train lenet: --out '.*notes\.txt': '.*notes\.txt' is a file, not a folder\n$/],
      [['train', 'lenet', '--out', join(file, 'sub'), '--data', '/nonexistent'], /is a file, not a folder\n$/],
      [['train', 'lenet', '--out', '/proc/self', '--data', '/nonexistent'], /^dendrite: train lenet: --out '\/proc\/self' is on a kernel filesystem/],
      [['train', 'lenet', '--out', '/proc/nonexistent/x'], /kernel filesystem/],
      [['train', 'lenet', '--out', '/sys/foo'], /kernel filesystem/],
      [['decode', 'eeg', '--train', 'a.edf', '--test', 'b.edf', '--events', 'T1=a,T2=b', '--out', file], /^dendrite: decode eeg: --out .* is a file, not a folder\n$/],
      [['decode', 'spikes', 'x.mat', '--decoder', 'wiener', '--out', '/sys/x'], /^dendrite: decode spikes: --out '\/sys\/x' is on a kernel filesystem/],
    ];
    for (const [args, re] of cases) {
      const r = cli(...args);
      assert.equal(r.error, undefined, `${args.join(' ')} did not finish: ${r.error?.message}`);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('negative numbers after a space get dendrite\'s message on the command line too', () => {
  const r = cli('train', 'lenet', '--epochs', '-1');
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "dendrite: train lenet: --epochs must be a positive integer, got '-1'\n");
});

test('a command sweeps its --out folder of temp files that killed runs left', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-out-'));
  try {
    const run = join(dir, '2026-01-01T00-00-00-000Z');
    const code = `require('node:fs').writeFileSync(${JSON.stringify(run)} + '/.metrics.json.' + process.pid + '.0123456789ab.tmp', '{'); process.kill(process.pid, 'SIGKILL');`;
    mkdirSync(run);
    spawnSync(process.execPath, ['-e', code]);
    assert.equal(readdirSync(run).length, 1);
    const r = cli('decode', 'spikes', join(dir, 'absent.mat'), '--decoder', 'wiener', '--out', dir);
    assert.equal(r.status, 2); // the missing .mat file, after the --out check
    assert.deepEqual(readdirSync(run), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unreadable input is one line, not a stack trace', () => {
  const r = cli('info', '/proc/self/mem');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^dendrite: readBytes: cannot read '\/proc\/self\/mem': /);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
});

test('info on a device is refused at once (it would be read forever)', () => {
  const r = cli('info', '/dev/zero');
  assert.equal(r.error, undefined, 'finished');
  assert.equal(r.status, 2);
  assert.equal(r.stderr, "dendrite: readBytes: '/dev/zero' is a character device, not a file\n");
});
