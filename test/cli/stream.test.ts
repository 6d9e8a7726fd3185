// `dendrite stream sim`: seeded closed-loop sessions on chewie_demo's tuning (both tasks), the
// metrics lines, results.json and a report with both decoders' trajectories, the acquisition-time
// histogram and the metrics table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamCli } from '../../src/cli/stream.js';
import { ArgumentError } from '../../src/errors.js';
import { dataPath, skipUnlessData } from '../helpers/data.js';

const chewie = dataPath('spikes/kordinglab-dad/chewie_demo.mat');

test('stream sim: KF and ReFIT-KF sessions on both tasks, metrics printed and saved, report with trajectories', { skip: skipUnlessData(chewie) }, () => {
  const out = mkdtempSync(join(tmpdir(), 'dendrite-stream-'));
  try {
    for (const task of ['center-out', 'random']) {
      const lines: string[] = [];
      const r = streamCli(['sim', chewie, '--task', task, '--sessions', '1', '--trials', '8', '--out', out], (s) => lines.push(s));
      assert.deepEqual(r.rows.map((x) => x.decoder), ['KF (observation calibration)', 'ReFIT-KF']);
      for (const row of r.rows) {
        assert.equal(row.sessions.length, 1);
        assert.equal(row.sessions[0]!.trials, 8);
        assert.ok(row.sessions[0]!.successRate >= 0.75, `${task} ${row.decoder}: success ${row.sessions[0]!.successRate}`);
      }
      assert.ok(lines.some((l) => /^KF \(observation calibration\)\s+success \d+\.\d %  acquisition \d\.\d{3} s/.test(l)), lines.join('\n'));
      assert.ok(lines.some((l) => /^ReFIT-KF \/ KF mean acquisition time: \d\.\d{3}$/.test(l)), lines.join('\n'));
      const json = JSON.parse(readFileSync(join(r.dir, 'results.json'), 'utf8')) as { task: string; rows: { sessions: { trials: number }[] }[] };
      assert.equal(json.task, task);
      assert.equal(json.rows[1]!.sessions[0]!.trials, 8);
      const html = readFileSync(join(r.dir, 'report.html'), 'utf8');
      assert.equal((html.match(/<svg/g) ?? []).length, 3, 'two trajectory plots and the histogram');
      assert.equal((html.match(/<path d="M/g) ?? []).length >= 10, true, 'trajectories drawn');
      assert.match(html, /fraction of trials/);
      assert.match(html, /<th>Fitts bits\/s<\/th>/);
      assert.match(html, task === 'random' ? /random targets uniform/ : /8 targets at 10/);
      assert.doesNotMatch(html, /<script|src=/);
      // the same seed gives the same sessions
      const again = streamCli(['sim', chewie, '--task', task, '--sessions', '1', '--trials', '8', '--out', out], () => {});
      assert.deepEqual(again.rows, r.rows);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('stream sim: a missing recording, an unknown command and bad numbers are ArgumentErrors', () => {
  assert.throws(() => streamCli(['replay']), /stream: unknown command 'replay'/);
  assert.throws(() => streamCli(['sim']), ArgumentError);
  assert.throws(() => streamCli(['sim', chewie, '--sessions', '0']), /--sessions/);
  assert.throws(() => streamCli(['sim', chewie, '--task', 'spiral']), /--task is 'spiral'/);
});
