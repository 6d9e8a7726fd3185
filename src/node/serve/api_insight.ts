// API of the insight page: the runs of `dendrite insight filters | attribution | rsa | v1` under
// --runs, told apart by their results.json, and one run's results for the page to draw.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RequestError } from '../../errors.js';
import { checkName, NAME, type RunRoot } from './paths.js';
import type { Route } from './route.js';
import { readJson } from './runs.js';

const SEG = '([^/]+)';

export type InsightKind = 'filters-lenet' | 'filters-eeg' | 'attribution' | 'rsa' | 'v1';

/** Which insight view a results.json feeds, or null for other runs. */
export function insightKind(r: unknown): InsightKind | null {
  if (!r || typeof r !== 'object') return null;
  const o = r as Record<string, unknown>;
  if (o['command'] === 'insight filters') return 'topomapXY' in o ? 'filters-eeg' : 'conv1' in o ? 'filters-lenet' : null;
  if (o['command'] === 'insight attribution') return 'examples' in o ? 'attribution' : null;
  if ('noiseCeiling' in o && Array.isArray(o['models'])) return 'rsa';
  if ('ringach' in o && Array.isArray(o['networks'])) return 'v1';
  return null;
}

function results(dir: string): unknown {
  try {
    return readJson(join(dir, 'results.json'));
  } catch {
    return null; // unreadable or too large: not listed
  }
}

/** Insight runs in the run folders, newest name first. */
export function listInsightRuns(roots: readonly RunRoot[]): { id: string; kind: InsightKind }[] {
  const out: { id: string; kind: InsightKind }[] = [];
  for (const r of roots) {
    let names: string[];
    try {
      names = readdirSync(r.dir, { withFileTypes: true }).filter((e) => e.isDirectory() && NAME.test(e.name)).map((e) => e.name).sort().reverse();
    } catch {
      continue;
    }
    for (const name of names) {
      const kind = insightKind(results(join(r.dir, name)));
      if (kind) out.push({ id: `${r.label}/${name}`, kind });
    }
  }
  return out;
}

export const INSIGHT_ROUTES: Route[] = [
  { method: 'GET', pattern: /^\/api\/insight\/runs$/, handle: (ctx) => ({ runs: listInsightRuns(ctx.roots) }) },
  {
    method: 'GET', pattern: new RegExp(`^/api/insight/${SEG}/${SEG}$`),
    handle: (ctx) => {
      const dir = ctx.runDir(ctx.groups[0]!, ctx.groups[1]!);
      const r = readJson(join(dir, 'results.json'));
      const kind = insightKind(r);
      if (!kind) throw new RequestError(`run '${checkName('run', ctx.groups[1]!)}' is not an insight run (its results.json is from another command, or missing)`, 404);
      return { id: `${checkName('run root', ctx.groups[0]!)}/${checkName('run', ctx.groups[1]!)}`, kind, results: r };
    },
  },
];
