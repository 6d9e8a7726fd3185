// A stream stage: one input in, one output out, timed. `Timed` wraps any stage and records
// each call's wall time (performance.now(), in browsers and Node) in a latency histogram.

import { LatencyHistogram, type LatencyHistogramOptions } from './latency.js';

export interface Stage<I, O> {
  readonly name: string;
  process(input: I): O;
}

export class Timed<I, O> implements Stage<I, O> {
  readonly name: string;
  readonly latency: LatencyHistogram;

  constructor(readonly stage: Stage<I, O>, opts: LatencyHistogramOptions = {}) {
    this.name = stage.name;
    this.latency = new LatencyHistogram(opts);
  }

  process(input: I): O {
    const t0 = performance.now();
    const out = this.stage.process(input);
    this.latency.record(Math.max(0, performance.now() - t0));
    return out;
  }
}
