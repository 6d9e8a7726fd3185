// `dendrite serve`: the dashboard over the run folders, until Ctrl-C.

import { ArgumentError } from '../errors.js';
import { startServer, type DashboardServer } from '../node/serve/index.js';
import { numberOption, parseCommandLine } from './args.js';

export const SERVE_HELP = `usage: dendrite serve [options]

A local web app over the run folders: the runs list, each run's curves (live while it trains)
and results, run comparison, insight views, MRI and real-time decoding pages.

options:
  --runs DIR     a folder of run folders; repeat for several (default: runs and reports)
  --port N       port (default 8080; 0 picks a free one)
  --host ADDR    bind address (default 127.0.0.1: this machine only); any other address needs --token
  --token T      a secret of 8 or more characters that every request must carry (open the printed
                 URL once: it sets a cookie); falls back to the DENDRITE_TOKEN environment variable
`;

export interface ServeCliOptions {
  runsDirs: string[];
  port: number;
  host: string;
  token: string | undefined;
}

export function parseServe(argv: string[], env: Record<string, string | undefined> = process.env): ServeCliOptions {
  const op = 'serve';
  const { values } = parseCommandLine(op, {
    args: argv,
    options: { runs: { type: 'string', multiple: true }, port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' } },
  });
  const runsDirs = values.runs ?? ['runs', 'reports'];
  for (const d of runsDirs) if (d.trim() === '') throw new ArgumentError(`${op}: --runs needs a folder, got ''`);
  const host = values.host ?? '127.0.0.1';
  const token = values.token ?? env['DENDRITE_TOKEN'];
  return { runsDirs, port: numberOption(op, 'port', values.port, 8080, { integer: true, min: 0, max: 65535 }), host, token };
}

/** Starts the server for `argv`; resolves with it (the caller waits for Ctrl-C). */
export async function startServeCli(argv: string[], log: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<DashboardServer> {
  const o = parseServe(argv);
  const server = await startServer({
    runsDir: o.runsDirs[0]!, moreRunsDirs: o.runsDirs.slice(1), port: o.port, host: o.host, ...(o.token !== undefined ? { token: o.token } : {}),
  });
  log(`dendrite serve: ${o.token !== undefined ? `${server.url}?token=${encodeURIComponent(o.token)}` : server.url} (runs from ${o.runsDirs.join(', ')}; Ctrl-C stops)`);
  return server;
}

/** `dendrite serve`: runs until SIGINT/SIGTERM. */
export async function serveCli(argv: string[]): Promise<number> {
  const server = await startServeCli(argv);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
