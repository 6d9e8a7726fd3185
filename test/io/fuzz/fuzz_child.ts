// Child process of the reader fuzz test: runs cases [from, to) of one target and reports each on
// stdout, one line per event, written synchronously so that the parent knows which case is running
// even when that case never returns:
//   ready                        source loaded
//   begin <i>                    case i starts
//   end <i> <ok|typed> <maxRssKiB>
//   untyped <i> <json {name, message, at}>   an error that is not a DendriteError
//   rss <i> <maxRssKiB>          the process's peak RSS passed the bound during case i; exits
//   done
// Usage: node fuzz_child.js <target> <from> <to> <rssBoundMiB>

import { writeSync } from 'node:fs';
import { DendriteError } from '../../../src/index.js';
import { target } from './targets.js';

const [name, fromArg, toArg, boundArg] = process.argv.slice(2);
const t = target(name!);
const from = Number(fromArg), to = Number(toArg);
const boundKiB = Number(boundArg) * 1024;
const say = (line: string) => writeSync(1, `${line}\n`);

const src = t.load();
say('ready');
for (let i = from; i < to; i++) {
  const { bytes } = t.make(src, i);
  say(`begin ${i}`);
  let outcome = 'ok';
  try {
    t.run(bytes, i);
  } catch (e) {
    if (e instanceof DendriteError) outcome = 'typed';
    else {
      const err = e instanceof Error ? e : new Error(String(e));
      const at = (err.stack ?? '').split('\n').slice(1, 4).map((l) => l.trim().replace(/^at /, '')).join(' < ');
      say(`untyped ${i} ${JSON.stringify({ name: err.name, message: err.message.slice(0, 300), at })}`);
      outcome = 'untyped';
    }
  }
  const peak = process.resourceUsage().maxRSS; // KiB, the high-water mark since start
  if (peak > boundKiB) {
    say(`rss ${i} ${peak}`);
    process.exit(0);
  }
  say(`end ${i} ${outcome} ${peak}`);
}
say('done');
