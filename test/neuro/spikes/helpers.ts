// Shared helpers for the spike-train tests: the golden file from scripts/golden/spikes_reference.py
// (Elephant's definitions recomputed with numpy 1.24 / scipy 1.10), its input trains, and checks.
import { readFileSync } from 'node:fs';
import { SpikeTrain } from '../../../src/neuro/spikes/index.js';
import { assertClose as closeTo, type Summary } from '../../helpers/close.js';
export { relErr, assertSummary, type Summary } from '../../helpers/close.js';

/** JSON numbers, with null for NaN. */
export type Values = (number | null)[];

interface FixedTrain { times: number[]; tStart: number; tStop: number }
export interface BinCase { name: string; binSize: number; tStart: number; tStop: number; tolerance: number; nBins: number; nUnits: number; total: number; counts?: Values; edges: Values | Summary; moments?: Values }
export interface HistoryCase { name: string; input: string; binsBefore: number; binsAfter: number; binsCurrent: boolean; shape: number[]; data?: Values; nNaN?: number; valid?: Summary; flatRow10?: Values }
export interface RateCase {
  name: string; samplingPeriod: number; kernel: string; sigma: number; invert: boolean; cutoff: number; center: boolean;
  tStart: number; tStop: number; shape: number[]; kernelT: Summary; kernelValues: Summary; rate: Values | Summary;
}
export interface PsthCase { name: string; input?: string; binSize: number; output: 'counts' | 'mean' | 'rate'; binary: boolean; values: Values; edges: Values }
export interface StatCase {
  name: string; isi: Summary; meanFiringRate: number; meanFiringRateWindow: { tStart: number; tStop: number; value: number };
  cv: number; cv2: number; lv: number; lvr: number; lvr0: number;
}
export interface CchCase { name: string; input: string; swap?: boolean; binSize: number; window: [number, number] | 'full'; binary: boolean; lags: number[]; counts: Values }
export interface CorrCase { name: string; input?: string; binSize: number; nTrials?: number; binary: boolean; value: Values }
interface Golden {
  inputs: {
    fixed: Record<string, FixedTrain>;
    retina: { tStart: number; tStop: number; low: number[]; high: number[] };
    stn: { tStart: number; dt: number; spikeIndices: number[][] };
  };
  binning: BinCase[];
  history: { fixedCounts: { rows: number; cols: number; data: number[] }; cases: HistoryCase[] };
  rate: RateCase[];
  alphaMedian: { sigma: number; median: number };
  psth: PsthCase[];
  statistics: StatCase[];
  fano: { name: string; value: number | null }[];
  cch: CchCase[];
  corrcoef: CorrCase[];
}
export const golden = JSON.parse(readFileSync('test/golden/spikes.json', 'utf8')) as Golden;
const inp = golden.inputs;

export const fixed: Record<string, SpikeTrain> = Object.fromEntries(
  Object.entries(inp.fixed).map(([k, v]) => [k, new SpikeTrain(v.times, { tStart: v.tStart, tStop: v.tStop })]),
);
export const retinaLow = new SpikeTrain(inp.retina.low, { tStart: inp.retina.tStart, tStop: inp.retina.tStop });
export const retinaHigh = new SpikeTrain(inp.retina.high, { tStart: inp.retina.tStart, tStop: inp.retina.tStop });
export const stnDt = inp.stn.dt;
export const stnStart = inp.stn.tStart;
/** 50 trials of the STN neuron, from the 1-ms indicator (2000 samples from −1 s). */
export const stnIndices = inp.stn.spikeIndices;
export const stn = stnIndices.map((idx) => {
  const ind = new Uint8Array(2000);
  for (const i of idx) ind[i] = 1;
  return SpikeTrain.fromIndicator(ind, stnDt, stnStart);
});

export function values(v: Values): Float64Array {
  return Float64Array.from(v, (x) => (x === null ? NaN : x));
}

/** assertClose that also takes the JSON form (null for NaN) of a reference. */
export function assertClose(a: ArrayLike<number>, b: ArrayLike<number> | Values, rtol: number, what: string): void {
  closeTo(a, Array.isArray(b) ? values(b as Values) : (b as ArrayLike<number>), rtol, what);
}
