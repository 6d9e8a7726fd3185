// Entry of the bundle built by bundle.test.ts (and of the browser page): trains the fixture on
// the threads asked for and reports the result.
import * as D from '../../src/index.js';
import { trainFixture } from './fixture.js';

export async function main(threads: number): Promise<string> {
  return JSON.stringify(await trainFixture(D, threads));
}

const g = globalThis as { process?: { argv?: string[]; stdout?: { write(s: string): void } } };
const arg = g.process?.argv?.find((a) => a.startsWith('--threads='));
if (arg) g.process!.stdout!.write(`${await main(Number(arg.slice(10)))}\n`);
