// uPlot, the way the dashboard's pages use it: line charts of aligned series that can be fed
// new data (live curves), sized to their container, with the number of drawn points kept in a
// data-points attribute (what the browser tests read).

import uPlot from 'uplot';
import { el } from './layout.js';
import { pointCount, type CurveSet } from './curves.js';

export const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563', '#65a30d', '#9333ea'];
/** One colour per split on every chart of a run (a series named '<run> · <split>' keeps the palette order). */
const SPLIT_COLOURS: Record<string, string> = { 'train (steps)': '#93c5fd', train: '#2563eb', test: '#dc2626', valid: '#059669', true: '#1d2430', predicted: '#dc2626' };

export interface LinePlot {
  root: HTMLElement;
  set(c: CurveSet): void;
  destroy(): void;
}

export interface LinePlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** Dashed series (e.g. predictions against truth). */
  dashed?: (label: string) => boolean;
  points?: boolean;
}

/** A line chart in a new element appended to `parent`; `id` becomes the element's id. */
export function linePlot(parent: HTMLElement, id: string, o: LinePlotOptions): LinePlot {
  const root = el('div', { class: 'dd-plot', id, 'data-points': '0' });
  parent.append(root);
  let plot: uPlot | null = null;
  let labels = '';
  const make = (c: CurveSet) => {
    plot?.destroy();
    const opts: uPlot.Options = {
      title: o.title,
      width: o.width ?? 560,
      height: o.height ?? 300,
      scales: { x: { time: false } },
      axes: [{ label: o.xLabel }, { label: o.yLabel }],
      series: [
        { label: o.xLabel },
        ...c.series.map((s, i) => ({
          label: s.label, stroke: SPLIT_COLOURS[s.label] ?? PALETTE[i % PALETTE.length]!, width: 1.5, spanGaps: true,
          ...(o.dashed?.(s.label) ? { dash: [6, 4] } : {}),
          points: { show: o.points ?? c.x.length < 60 },
        })),
      ],
    };
    plot = new uPlot(opts, [c.x, ...c.series.map((s) => s.values)] as uPlot.AlignedData, root);
    labels = c.series.map((s) => s.label).join('\n');
  };
  return {
    root,
    set(c: CurveSet) {
      const l = c.series.map((s) => s.label).join('\n');
      if (plot === null || l !== labels) make(c);
      else plot.setData([c.x, ...c.series.map((s) => s.values)] as uPlot.AlignedData);
      root.setAttribute('data-points', String(pointCount(c)));
      root.hidden = c.series.length === 0; // e.g. no accuracy for a regression run
    },
    destroy() {
      plot?.destroy();
      plot = null;
    },
  };
}
