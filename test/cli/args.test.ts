// The shared argument rules: strict finite numbers, negative values after a space reaching
// dendrite's own range checks, parse errors as ArgumentErrors naming the command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, parseNumber, numberList } from '../../src/cli/args.js';
import { parseTrainLenet } from '../../src/cli/train.js';
import { decodeEegCli } from '../../src/cli/decode.js';
import { decodeSpikesCli } from '../../src/cli/decode_spikes.js';
import { ArgumentError } from '../../src/errors.js';

const argErr = (re: RegExp) => (e: Error) => e instanceof ArgumentError && re.test(e.message) && !e.message.includes('\n');

test('numbers are parsed strictly and must be finite', () => {
  assert.equal(parseNumber('t', 'x', '0.25'), 0.25);
  assert.equal(parseNumber('t', 'x', '-1e-3'), -0.001);
  assert.equal(parseNumber('t', 'x', '.5'), 0.5);
  assert.equal(parseNumber('t', 'x', '3', { integer: true, positive: true }), 3);
  for (const bad of ['Infinity', '-Infinity', 'NaN', 'inf', '1e999', '', ' ', '0x10', '0b1', '1,5', '2abc']) {
    assert.throws(() => parseNumber('t', 'lr', bad), argErr(new RegExp(`^t: --lr must be a number.*got '${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'$`)), bad);
  }
  assert.throws(() => parseNumber('t', 'n', '1.5', { integer: true }), argErr(/--n must be an integer, got '1.5'/));
  assert.throws(() => parseNumber('t', 'n', '0', { integer: true, positive: true }), argErr(/--n must be a positive integer, got '0'/));
  assert.throws(() => parseNumber('t', 'p', '1', { maxExclusive: 1 }), argErr(/--p must be < 1, got 1/));
  assert.throws(() => parseNumber('t', 'p', '9', { max: 8 }), argErr(/--p must be <= 8, got 9/));
  assert.deepEqual(numberList('t', 'band', '4,38'), [4, 38]);
  assert.throws(() => numberList('t', 'band', '4,Infinity'), argErr(/--band must be a number \(a finite one\), got 'Infinity'/));
});

test('negative values after a space reach the option (not node\'s "ambiguous argument")', () => {
  const opts = { a: { type: 'string' }, flag: { type: 'boolean' } } as const;
  assert.equal(parseCommandLine('t', { args: ['--a', '-0.1'], options: opts }).values.a, '-0.1');
  assert.equal(parseCommandLine('t', { args: ['--a', '-3', '--flag'], options: opts }).values.a, '-3');
  assert.equal(parseCommandLine('t', { args: ['--a', '-Infinity'], options: opts }).values.a, '-Infinity');
  assert.throws(() => parseCommandLine('t', { args: ['--bogus'], options: opts }), argErr(/^t: unknown option '--bogus' \(options: --a VALUE, --flag\)$/));
  assert.throws(() => parseCommandLine('t', { args: ['--a'], options: opts }), argErr(/^t: --a needs a value$/));
  assert.throws(() => parseCommandLine('t', { args: ['--flag=1'], options: opts }), argErr(/^t: --flag is a switch and takes no value$/));
  assert.throws(() => parseCommandLine('t', { args: ['stray'], options: opts }), argErr(/^t: unexpected argument 'stray'/));
});

test('train lenet refuses non-finite and negative numbers with its own messages', () => {
  for (const lr of ['Infinity', 'NaN', '1e400', '-Infinity']) {
    assert.throws(() => parseTrainLenet(['--lr', lr]), argErr(/^train lenet: --lr must be a positive number \(a finite one\)/), lr);
  }
  assert.throws(() => parseTrainLenet(['--lr', '-0.1']), argErr(/^train lenet: --lr must be a positive number, got '-0.1'$/));
  assert.throws(() => parseTrainLenet(['--epochs', '-1']), argErr(/^train lenet: --epochs must be a positive integer, got '-1'$/));
  assert.throws(() => parseTrainLenet(['--seed', '1.5']), argErr(/--seed must be an integer, got '1.5'/));
  assert.throws(() => parseTrainLenet(['--shift', '-2']), argErr(/--shift must be >= 0, got -2/));
  assert.throws(() => parseTrainLenet(['--batch-size', '0x40']), argErr(/--batch-size must be a positive integer, got '0x40'/));
  assert.equal(parseTrainLenet(['--seed', '-3']).seed, -3);
  assert.equal(parseTrainLenet(['--lr', '2e-3']).lr, 0.002);
});

test('decode eeg: unknown --model and bad numbers are reported before any file is read', () => {
  const quiet = () => undefined;
  const absent = ['--train', '/nonexistent/a.edf', '--test', '/nonexistent/b.edf', '--events', 'T1=a,T2=b'];
  assert.throws(() => decodeEegCli([...absent, '--model', 'resnet'], quiet), argErr(/unknown model 'resnet' \(available: csp-lda, /));
  assert.throws(() => decodeEegCli([...absent, '--epochs', '-1'], quiet), argErr(/^decode eeg: --epochs must be a positive integer, got '-1'$/));
  assert.throws(() => decodeEegCli([...absent, '--tmin', 'NaN'], quiet), argErr(/--tmin must be a number \(a finite one\), got 'NaN'/));
  assert.throws(() => decodeEegCli([...absent, '--band', '4,Infinity'], quiet), argErr(/--band must be a number \(a finite one\), got 'Infinity'/));
});

test('decode spikes: negative and non-finite numbers get dendrite\'s messages', () => {
  const quiet = () => undefined;
  const f = '/nonexistent/x.mat';
  assert.throws(() => decodeSpikesCli([f, '--decoder', 'wiener', '--alpha', '-1'], quiet), argErr(/^decode spikes: --alpha must be >= 0, got -1$/));
  assert.throws(() => decodeSpikesCli([f, '--decoder', 'gru', '--lr', 'Infinity'], quiet), argErr(/^decode spikes: --lr must be a number \(a finite one\), got 'Infinity'$/));
  assert.throws(() => decodeSpikesCli([f, '--decoder', 'gru', '--epochs', '-5'], quiet), argErr(/^decode spikes: --epochs must be >= 1, got -5$/));
});
