// `dendrite stream sim`: seeded closed-loop sessions on chewie_demo's tuning, the metrics lines,
// results.json and a report with both decoders' trajectories and the acquisition-time histogram.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamCli } from '../../src/cli/stream.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const chewie = dataPath('spikes/kordinglab-dad/chewie_demo.mat');

test('stream sim: KF and ReFIT-KF sessions, metrics printed and saved, report with trajectories', { skip: skipUnlessData(chewie) }, () => {
  const out = mkdtempSync(join(tmpdir(), 'dendrite-stream-'));
  try {
    const lines: string[] = [];
    const r = streamCli(['sim', chewie, '--sessions', '1', '--trials', '8', '--out', out], (s) => lines.push(s));
    assert.deepEqual(r.rows.map((x) => x.decoder), ['KF (open-loop calibration)', 'ReFIT-KF']);
    for (const row of r.rows) {
      assert.equal(row.sessions.length, 1);
      assert.equal(row.sessions[0]!.trials, 8);
      assert.ok(row.sessions[0]!.successRate >= 0.75, `${row.decoder}: success ${row.sessions[0]!.successRate}`);
    }
    assert.ok(lines.some((l) => /^KF \(open-loop calibration\)\s+success \d+\.\d %  acquisition \d\.\d{3} s/.test(l)), lines.join('\n'));
    const json = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8')) as { rows: { sessions: { trials: number }[] }[] };
    assert.equal(json.rows[1]!.sessions[0]!.trials, 8);
    const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
    assert.equal((html.match(/<svg/g) ?? []).length, 3);
    assert.match(html, /fraction of trials/);
    assert.doesNotMatch(html, /<script|src=/);
    // the same seed gives the same sessions
    const again = streamCli(['sim', chewie, '--sessions', '1', '--trials', '8', '--out', out], () => {});
    assert.deepEqual(again.rows, r.rows);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('stream sim: a missing recording, an unknown command and bad numbers are ArgumentErrors', () => {
  assert.throws(() => streamCli(['replay']), /stream: unknown command 'replay'/);
  assert.throws(() => streamCli(['sim']), ArgumentError);
  assert.throws(() => streamCli(['sim', chewie, '--sessions', '0']), /--sessions/);
});
