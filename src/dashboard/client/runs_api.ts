// The shapes the runs API returns (src/node/serve/api_runs.ts).

export interface RunSummary {
  id: string;
  root: string;
  name: string;
  command: string | null;
  model: string | null;
  status: 'running' | 'done' | 'failed' | 'died' | 'unknown';
  started: string;
  best: { name: string; value: number } | null;
  error: string | null;
}

export interface RunsList {
  roots: { label: string; dir: string }[];
  runs: RunSummary[];
}

export type MetricRecord = Record<string, unknown> & { split?: string; epoch?: number; step?: number; loss?: number; acc?: number; time?: number };

export interface RunDetail {
  summary: RunSummary;
  config: Record<string, unknown> | null;
  status: Record<string, unknown> | null;
  results: Record<string, unknown> | null;
  metrics: MetricRecord[];
  badLines: number;
  metricsBytes: number;
  files: { name: string; bytes: number }[];
}

/** The API path of run `id` (`root/name`), each part encoded. */
export function runPath(id: string): string {
  return `/api/runs/${id.split('/').map(encodeURIComponent).join('/')}`;
}
