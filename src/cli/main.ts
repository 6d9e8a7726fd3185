#!/usr/bin/env node
// The dendrite command line: one file per command, each thin over the library.

import { readFileSync } from 'node:fs';
import { DendriteError } from '../errors.js';
import { parseTrainLenet, trainLenetAsync, TRAIN_LENET_HELP } from './train.js';
import { info, INFO_HELP } from './info.js';
import { decodeEegCli, DECODE_HELP } from './decode.js';
import { decodeSpikesCli, DECODE_SPIKES_HELP } from './decode_spikes.js';
import { insightCli } from './insight.js';
import { anomalyCli, ANOMALY_HELP } from './anomaly.js';
import { segmentCli, SEGMENT_HELP } from './segment.js';
import { STREAM_HELP, streamCli } from './stream.js';
import { STREAM_REPLAY_HELP, streamReplayCli } from './stream_replay.js';
import { STREAM_DECODE_HELP, streamDecodeCli } from './stream_decode.js';
import { STREAM_RL_HELP, streamRlCli } from './stream_rl.js';
import { STREAM_RELAY_HELP, streamRelayCli } from './stream_relay.js';
import { serveCli, SERVE_HELP } from './serve.js';

const HELP = `usage: dendrite <command> [options]

commands:
  train lenet     train the classic ConvNet on MNIST (see dendrite train lenet --help)
  info <file>     header summary of an EDF/BDF/GDF/NIfTI/MAT/safetensors file
  decode eeg      train and test an EEG decoder (see dendrite decode eeg --help)
  decode spikes   decode kinematics from binned spike counts in a .mat file (see --help)
  segment <t1>    brain MRI segmentation (brainchop MeshNets): labels.nii.gz + report (see --help)
  anomaly bonn    EEG anomaly detection / diagnosis on the Bonn epilepsy sets (see --help)
  insight <part>  look inside trained networks: attribution, filters, rsa, v1
                  (see dendrite insight --help)
  stream <part>   closed loop: sim (cursor task with a simulated user), rl (RL decoders), replay (a recording
                  as an LSL stream), decode (a live LSL stream) (see dendrite stream --help)
  serve           the dashboard: runs, live curves, results, compare (see dendrite serve --help)
  help            this text

options:
  --version       print dendrite's version
`;

const TRAIN_HELP = `usage: dendrite train <model> [options]

models:
  lenet           the classic ConvNet on MNIST (see dendrite train lenet --help)
`;

const DECODE_TARGETS_HELP = `usage: dendrite decode <target> [options]

targets:
  eeg             train and test an EEG decoder on EDF/BDF files or a BIDS data set
                  (see dendrite decode eeg --help)
  spikes          decode kinematics from binned spike counts in a .mat file
                  (see dendrite decode spikes --help)
`;

const STREAM_PARTS_HELP = `usage: dendrite stream <part> [options]   (dendrite stream <part> --help for its options)

parts:
  sim             closed-loop centre-out/random-target cursor task with a simulated user:
                  velocity KF against ReFIT-KF
  rl              reward-driven decoders (actor-critic, DQN, PPO) learn the cursor task
  replay          publish a recording (EDF/BDF/GDF, spike .mat) as Lab Streaming Layer streams
  decode          decode a live LSL stream with a model saved by decode eeg/spikes --save
  relay           forward a live LSL stream to web pages over a WebSocket
`;

const STREAM_PARTS: Record<string, { help: string; run: (argv: string[]) => number | Promise<number> }> = {
  sim: { help: STREAM_HELP, run: (a) => (streamCli(['sim', ...a]), 0) },
  rl: { help: STREAM_RL_HELP, run: (a) => (streamRlCli(a), 0) },
  replay: { help: STREAM_REPLAY_HELP, run: (a) => streamReplayCli(a) },
  decode: { help: STREAM_DECODE_HELP, run: (a) => streamDecodeCli(a) },
  relay: { help: STREAM_RELAY_HELP, run: (a) => streamRelayCli(a) },
};

const FS_CODES = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EDQUOT', 'EMFILE', 'EIO']);

const isHelp = (a: string | undefined) => a === '--help' || a === '-h' || a === 'help';

/** The version in dendrite's package.json (dist/src/cli/main.js sits three folders below it). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  try {
    if (cmd === undefined || isHelp(cmd)) {
      process.stdout.write(HELP);
      return 0;
    }
    if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
      process.stdout.write(`dendrite ${version()}\n`);
      return 0;
    }
    if (cmd === 'info') {
      const files = [sub, ...rest].filter((a): a is string => a !== undefined);
      if (files.length === 0 || files.includes('--help') || files.includes('-h')) {
        process.stdout.write(INFO_HELP);
        return files.length === 0 ? 2 : 0;
      }
      info(files);
      return 0;
    }
    if (cmd === 'segment') {
      if (sub === undefined || isHelp(sub) || rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(SEGMENT_HELP);
        return sub === undefined ? 2 : 0;
      }
      return await segmentCli(argv.slice(1));
    }
    if (cmd === 'anomaly') {
      if (sub === undefined || isHelp(sub) || rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(ANOMALY_HELP);
        return sub === undefined ? 2 : 0;
      }
      anomalyCli(argv.slice(1));
      return 0;
    }
    if (cmd === 'insight') {
      return insightCli(argv.slice(1));
    }
    if (cmd === 'serve') {
      if ((sub !== undefined && isHelp(sub)) || rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(SERVE_HELP);
        return 0;
      }
      return await serveCli(argv.slice(1));
    }
    if (cmd === 'stream') {
      if (sub === undefined || isHelp(sub)) {
        process.stdout.write(STREAM_PARTS_HELP);
        return sub === undefined ? 2 : 0;
      }
      const part = STREAM_PARTS[sub];
      if (part === undefined) {
        process.stderr.write(`dendrite stream: unknown part '${sub}' (available: ${Object.keys(STREAM_PARTS).join(', ')})\n`);
        return 2;
      }
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(part.help);
        return 0;
      }
      return await part.run(rest);
    }
    if (cmd === 'decode') {
      if (sub === undefined || isHelp(sub)) {
        process.stdout.write(DECODE_TARGETS_HELP);
        return sub === undefined ? 2 : 0;
      }
      if (sub === 'spikes') {
        if (rest.includes('--help') || rest.includes('-h')) {
          process.stdout.write(DECODE_SPIKES_HELP);
          return 0;
        }
        decodeSpikesCli(rest);
        return 0;
      }
      if (sub !== 'eeg') {
        process.stderr.write(`dendrite decode: unknown target '${sub}' (available: eeg, spikes)\n`);
        return 2;
      }
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(DECODE_HELP);
        return 0;
      }
      decodeEegCli(rest);
      return 0;
    }
    if (cmd === 'train') {
      if (sub === undefined || isHelp(sub)) {
        process.stdout.write(TRAIN_HELP);
        return sub === undefined ? 2 : 0;
      }
      if (sub === 'lenet') {
        if (rest.includes('--help') || rest.includes('-h')) {
          process.stdout.write(TRAIN_LENET_HELP);
          return 0;
        }
        await trainLenetAsync(parseTrainLenet(rest));
        return 0;
      }
      process.stderr.write(`dendrite train: unknown model '${sub}' (available: lenet)\n`);
      return 2;
    }
    process.stderr.write(`dendrite: unknown command '${cmd}'\n\n${HELP}`);
    return 2;
  } catch (e) {
    const code = (e as { code?: string } | null)?.code ?? '';
    // file-system failures (their messages name the path) are a user's problem, not a bug: one line
    if (e instanceof Error && (e instanceof DendriteError || FS_CODES.has(code) || code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`dendrite: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
