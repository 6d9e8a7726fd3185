// `dendrite stream rl`: seeded agents on chewie_demo's tuning, the printed table, results.json and a
// report with learning curves, trajectories and acquisition-time histograms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_RL_HELP, streamRlCli } from '../../src/cli/stream_rl.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const chewie = dataPath('spikes/kordinglab-dad/chewie_demo.mat');
const EASY = ['--distance', '5', '--radius', '2.5', '--hold', '3'];

test('stream rl: every agent with both rewards, table printed, results.json and report written, seeded', { skip: skipUnlessData(chewie) }, () => {
  const out = mkdtempSync(join(tmpdir(), 'dendrite-stream-rl-'));
  try {
    const lines: string[] = [];
    const args = [chewie, '--episodes', '1', '--trials', '16', ...EASY, '--out', out];
    const r = streamRlCli(args, (s) => lines.push(s));
    assert.deepEqual(r.summary.map((x) => `${x.agent}/${x.reward}`), ['actor-critic/acquisition', 'dqn/acquisition', 'ppo/acquisition', 'actor-critic/progress', 'dqn/progress', 'ppo/progress']);
    for (const row of r.rows) {
      assert.equal(row.sessions.length, 1);
      assert.equal(row.sessions[0]!.curve.success.length, 2);
      assert.equal(row.sessions[0]!.frozen.trials, 16);
    }
    // with the shaping every agent's frozen decoder acquires most targets after 16 trials
    for (const s of r.summary.filter((x) => x.reward === 'progress')) assert.ok(s.frozenSuccess >= 0.75, `${s.agent}: frozen ${s.frozenSuccess}`);
    assert.ok(lines.some((l) => /^agent\s+reward\s+final success/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^ppo\s+progress\s+\d\.\d{3}\s+\d\/1/.test(l)), lines.join('\n'));
    const json = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8')) as { summary: unknown[]; rows: { sessions: { curve: { success: number[] } }[] }[] };
    assert.equal(json.summary.length, 6);
    assert.deepEqual(json.rows[5]!.sessions[0]!.curve.success, r.rows[5]!.sessions[0]!.curve.success);
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    // 2 rewards × (success + time) curves, 6 trajectory panels, 2 histograms
    assert.equal((html.match(/<svg/g) ?? []).length, 12);
    assert.match(html, /success per 8 trials/);
    assert.match(html, /acquisition time \(s\), frozen agents, progress reward/);
    assert.doesNotMatch(html, /<script|src=/);
    const again = streamRlCli([chewie, '--agent', 'dqn', '--reward', 'progress', ...args.slice(1)], () => {});
    assert.deepEqual(again.rows[0]!.sessions[0]!.curve, r.rows[4]!.sessions[0]!.curve);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('stream rl: help names every option; a missing recording and bad options are ArgumentErrors', () => {
  for (const o of ['--agent', '--reward', '--features', '--episodes', '--trials', '--sessions', '--seed', '--distance', '--radius', '--hold', '--block', '--out']) assert.ok(STREAM_RL_HELP.includes(o), o);
  assert.throws(() => streamRlCli([]), (e: unknown) => e instanceof ArgumentError && /give a recording/.test(e.message));
  assert.throws(() => streamRlCli([chewie, '--agent', 'sarsa']), /--agent must be one of actor-critic, dqn, ppo, all, got 'sarsa'/);
  assert.throws(() => streamRlCli([chewie, '--reward', 'dense']), /--reward must be one of/);
  assert.throws(() => streamRlCli([chewie, '--features', 'position']), /--features must be one of/);
  assert.throws(() => streamRlCli([chewie, '--episodes', '0']), /--episodes/);
  assert.throws(() => streamRlCli([chewie, '--radius', '20']), /--radius must be < 10/);
  assert.throws(() => streamRlCli([chewie, '--bogus']), /unknown option '--bogus'/);
});
