// Curves from metrics.jsonl records: one series per split (epoch lines) and per split of step
// lines, on a shared x axis (the epoch, fractional for step lines; the step when a run logs no
// epochs), aligned as uPlot wants them: one x array and a y array per series with null where
// the series has no point.

import type { MetricRecord } from './runs_api.js';

export interface CurveSet {
  x: number[];
  series: { label: string; values: (number | null)[] }[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The series of `key` (e.g. 'loss', 'acc') in `records`; `prefix` names them (compare page). */
export function metricCurves(records: readonly MetricRecord[], key: string, prefix = ''): CurveSet {
  const bySeries = new Map<string, Map<number, number>>();
  for (const r of records) {
    const y = r[key];
    if (!isNum(y)) continue;
    const x = isNum(r.epoch) ? r.epoch : isNum(r.step) ? r.step : null;
    if (x === null) continue;
    const split = typeof r.split === 'string' ? r.split : 'metric';
    const label = `${prefix}${split}${r.step !== undefined && isNum(r.epoch) ? ' (steps)' : ''}`;
    let s = bySeries.get(label);
    if (!s) bySeries.set(label, (s = new Map()));
    s.set(x, y); // a repeated x keeps the latest value
  }
  return align([...bySeries.entries()].map(([label, pts]) => ({ label, pts })));
}

/** Series of (x, y) points merged onto one sorted x axis. */
export function align(parts: readonly { label: string; pts: Map<number, number> }[]): CurveSet {
  const xs = new Set<number>();
  for (const p of parts) for (const x of p.pts.keys()) xs.add(x);
  const x = [...xs].sort((a, b) => a - b);
  return { x, series: parts.map((p) => ({ label: p.label, values: x.map((v) => p.pts.get(v) ?? null) })) };
}

/** Points drawn: the non-null values of every series. */
export function pointCount(c: CurveSet): number {
  return c.series.reduce((a, s) => a + s.values.reduce<number>((n, v) => n + (v === null ? 0 : 1), 0), 0);
}
