// The README's library example, verbatim in spirit: it must compile and train. Its command-line
// examples must name scripts that exist, options their command knows and files that exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { tensor, randn, nn, F, optim, tidy, manualSeed, type Tensor } from '../src/index.js';
import { parseTrainLenet, TRAIN_LENET_HELP } from '../src/cli/train.js';
import { DECODE_HELP } from '../src/cli/decode.js';
import { DECODE_SPIKES_HELP } from '../src/cli/decode_spikes.js';
import { INFO_HELP } from '../src/cli/info.js';
import { INSIGHT_ATTRIBUTION_HELP } from '../src/cli/insight_attribution.js';
import { INSIGHT_FILTERS_HELP } from '../src/cli/insight_filters.js';
import { INSIGHT_RSA_HELP } from '../src/cli/insight_rsa.js';
import { INSIGHT_V1_HELP } from '../src/cli/insight_v1.js';
import { STREAM_HELP } from '../src/cli/stream.js';
import { STREAM_REPLAY_HELP } from '../src/cli/stream_replay.js';
import { STREAM_DECODE_HELP } from '../src/cli/stream_decode.js';
import { STREAM_RL_HELP } from '../src/cli/stream_rl.js';
import { STREAM_RELAY_HELP } from '../src/cli/stream_relay.js';
import { ANOMALY_HELP } from '../src/cli/anomaly.js';
import { SEGMENT_HELP } from '../src/cli/segment.js';
import { SERVE_HELP } from '../src/cli/serve.js';
import { DATA, skipMissing } from './helpers/data.js';

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 16);
  fc2 = new nn.Linear(16, 3);
  forward(x: Tensor): Tensor {
    return this.fc2.call(F.relu(this.fc1.call(x)));
  }
}

test('the README example trains (loss falls over 50 steps)', () => {
  manualSeed(0);
  const model = new Net();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const x = randn([8, 4]);
  const y = tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32' });
  const losses: number[] = [];
  for (let i = 0; i < 50; i++) {
    losses.push(tidy(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.call(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    }));
  }
  assert.ok(losses[49]! < 0.5 * losses[0]!, `loss ${losses[0]} → ${losses[49]}`);
});

const readme = readFileSync('README.md', 'utf8');
/** Every command line of the README's sh blocks, comments stripped. */
const shLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
const HELP: Record<string, string> = {
  'train lenet': TRAIN_LENET_HELP, 'decode eeg': DECODE_HELP, 'decode spikes': DECODE_SPIKES_HELP, info: INFO_HELP,
  'insight attribution': INSIGHT_ATTRIBUTION_HELP, 'insight filters': INSIGHT_FILTERS_HELP, 'insight rsa': INSIGHT_RSA_HELP, 'insight v1': INSIGHT_V1_HELP, 'stream sim': STREAM_HELP, 'stream replay': STREAM_REPLAY_HELP, 'stream decode': STREAM_DECODE_HELP, 'stream rl': STREAM_RL_HELP, 'stream relay': STREAM_RELAY_HELP,
  'anomaly bonn': ANOMALY_HELP, segment: SEGMENT_HELP, serve: SERVE_HELP,
};

test('the README\'s npm commands name scripts package.json has', () => {
  const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  const runs = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
  assert.ok(runs.length >= 5, `found ${runs.join(', ')}`);
  for (const r of runs) assert.ok(r in scripts, `npm run ${r}: no such script`);
  for (const l of shLines.filter((x) => x.startsWith('npm '))) {
    const name = /^npm (?:run )?([\w:-]+)/.exec(l)![1]!;
    assert.ok(name === 'ci' || name in scripts || (name === 'test' && 'test' in scripts), l);
  }
});

test('the README\'s dendrite commands use known options and files that exist', (t) => {
  const cmds = shLines.filter((l) => l.startsWith('npx dendrite '));
  assert.ok(cmds.length >= 3);
  const paths: string[] = [];
  for (const l of cmds) {
    const args = l.split(/\s+/).slice(2);
    const cmd = args[0] === 'info' || args[0] === 'segment' || args[0] === 'serve' ? args[0] : `${args[0]} ${args[1]}`;
    const help = HELP[cmd];
    assert.ok(help, `${l}: unknown command '${cmd}'`);
    for (const a of args.filter((x) => x.startsWith('--'))) assert.ok(help.includes(`${a.split('=')[0]} `) || help.includes(`${a}\n`), `${l}: ${a} is not an option of ${cmd}`);
    for (const a of args.filter((x) => !x.startsWith('-'))) for (const p of a.split(',')) if (p.includes('/') || /\.(edf|bdf|gdf|mat|nii|gz|safetensors)$/i.test(p)) paths.push(p);
    if (cmd === 'train lenet') parseTrainLenet(args.slice(2));
  }
  assert.ok(paths.length >= 5, `file arguments: ${paths.join(' ')}`);
  // the examples are written for the repository root, where the shared data sit at ../shared/data
  // (a missing data file skips, or fails under DENDRITE_REQUIRE_DATA=1); any other path must exist
  const shared = paths.filter((p) => p.startsWith('../shared/data/'));
  for (const p of paths.filter((x) => !shared.includes(x))) assert.ok(existsSync(p), `${p} does not exist (examples run from the repository root)`);
  const local = shared.map((p) => resolve(DATA, p.slice('../shared/data/'.length)));
  if (skipMissing(t, ...local)) return;
  for (const p of local) assert.ok(existsSync(p), p);
});

test('the README\'s npm start options parse', () => {
  const m = /`npm start -- ([^`]+)`/.exec(readme);
  assert.ok(m, 'an npm start example with options');
  const cfg = parseTrainLenet(m[1]!.split(/\s+/));
  assert.equal(cfg.epochs, 5);
});
