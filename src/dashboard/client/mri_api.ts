// What the MRI page asks of the server (src/node/serve/api_mri.ts): segment runs, and one run's
// classes, volume URLs and Dice per label. Failures are fetchJson's typed errors.
import { FormatError } from '../../errors.js';
import { fetchJson } from './fetch.js';

export interface MriClass {
  label: number;
  name: string;
  color: [number, number, number];
  voxels: number;
  mm3: number;
}

export interface MriRun {
  id: string;
  input: { url: string; path: string } | null;
  labels: { url: string };
  shape: number[] | null;
  model: string | null;
  classes: MriClass[];
  dice: { reference: string; perLabel: { label: number; name: string; dice: number | null }[]; mean: number | null } | null;
}

export const listSegmentRuns = () => fetchJson<{ runs: { id: string; input: string | null; classes: number }[] }>('/api/mri/runs').then((j) => j.runs);

/** One run (`<root>/<run>`), compared with `ref` (another run) when given. */
export function getMriRun(id: string, ref: string | null): Promise<MriRun> {
  const [root, run] = id.split('/');
  if (!root || !run) throw new FormatError(`run '${id}' must be <root>/<run>`);
  return fetchJson<MriRun>(`/api/mri/${encodeURIComponent(root)}/${encodeURIComponent(run)}${ref ? `?ref=${encodeURIComponent(ref)}` : ''}`);
}

/** niivue's label colormap for the classes: background transparent, each label its colour. */
export function labelColormap(classes: readonly MriClass[]): { R: number[]; G: number[]; B: number[]; A: number[]; I: number[]; labels: string[] } {
  return {
    R: classes.map((c) => c.color[0]), G: classes.map((c) => c.color[1]), B: classes.map((c) => c.color[2]),
    A: classes.map((c) => (c.label === 0 ? 0 : 255)), I: classes.map((c) => c.label), labels: classes.map((c) => c.name),
  };
}
