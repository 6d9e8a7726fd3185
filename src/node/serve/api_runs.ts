// API of the runs pages: the list of runs, one run (config, status, metrics, results), its
// files, and its live event stream.

import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { RequestError } from '../../errors.js';
import { checkName, insideRoot } from './paths.js';
import { Raw, type Route } from './route.js';
import { listRuns, MAX_METRICS_BYTES, parseMetrics, readCapped, readJson, summarize } from './runs.js';
import { streamRunEvents } from './events.js';

const SEG = '([^/]+)';
const MAX_FILE_BYTES = 64 << 20;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.jsonl': 'application/x-ndjson', '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.csv': 'text/csv; charset=utf-8',
};

const FILE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export const RUNS_ROUTES: Route[] = [
  {
    method: 'GET', pattern: /^\/api\/runs$/,
    handle: (ctx) => ({ roots: ctx.roots.map((r) => ({ label: r.label, dir: r.dir })), runs: listRuns(ctx.roots) }),
  },
  {
    method: 'GET', pattern: new RegExp(`^/api/runs/${SEG}/${SEG}$`),
    handle: (ctx) => {
      const dir = ctx.runDir(ctx.groups[0]!, ctx.groups[1]!);
      const root = ctx.roots.find((r) => r.label === checkName('run root', ctx.groups[0]!))!;
      const m = readCapped(join(dir, 'metrics.jsonl'), MAX_METRICS_BYTES);
      const { records, bad } = m === null ? { records: [], bad: 0 } : parseMetrics(new TextDecoder().decode(m));
      const files = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) => ({ name: e.name, bytes: statSync(join(dir, e.name)).size }));
      return {
        summary: summarize(root, checkName('run', ctx.groups[1]!)),
        config: readJson(join(dir, 'config.json')),
        status: readJson(join(dir, 'status.json')),
        results: readJson(join(dir, 'results.json')),
        // where the event stream picks up: after the last complete line
        metrics: records, badLines: bad, metricsBytes: m === null ? 0 : m.lastIndexOf(0x0a) + 1, files,
      };
    },
  },
  {
    method: 'GET', pattern: new RegExp(`^/api/runs/${SEG}/${SEG}/events$`),
    handle: (ctx) => streamRunEvents(ctx, ctx.runDir(ctx.groups[0]!, ctx.groups[1]!)),
  },
  {
    method: 'GET', pattern: new RegExp(`^/api/runs/${SEG}/${SEG}/files/${SEG}$`),
    handle: (ctx) => {
      const dir = ctx.runDir(ctx.groups[0]!, ctx.groups[1]!);
      const name = checkName('file', ctx.groups[2]!);
      const path = insideRoot('file', dir, [name]);
      if (!statSync(path).isFile()) throw new RequestError(`file '${name}' is not a file`, 404);
      const b = readCapped(path, MAX_FILE_BYTES)!;
      // a run's own report is shown as a document without scripts or network access
      return new Raw(b, TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream', 200, { 'Content-Security-Policy': FILE_CSP });
    },
  },
];
