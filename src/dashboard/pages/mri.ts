// The MRI page: a `dendrite segment` run in niivue — the input T1 with the labels overlaid
// (axial, coronal, sagittal and a 3-D render), a legend with each class's volume, and Dice per
// label against a reference segmentation when the run has one. ?run=<root>/<run>[&ref=<root>/<run>];
// without ?run, the segment runs to choose from. State on window.__dendriteMri for tests.
import { Niivue, NVImage } from '@niivue/niivue';
import { RequestError } from '../../errors.js';
import { el, mountLayout } from '../client/layout.js';
import { getMriRun, labelColormap, listSegmentRuns, type MriRun } from '../client/mri_api.js';

interface MriState {
  state: 'loading' | 'ready' | 'list' | 'error';
  error: string | null;
  run: MriRun | null;
  volumes: number;
}

const css = (c: [number, number, number]) => `rgb(${c[0]},${c[1]},${c[2]})`;

function table(head: string[], rows: (string | HTMLElement)[][], id: string): HTMLTableElement {
  const t = el('table', { id, class: 'dd-table' });
  const tr = el('tr');
  for (const h of head) tr.append(el('th', {}, h));
  t.append(tr);
  for (const r of rows) {
    const row = el('tr');
    for (const c of r) {
      const td = el('td');
      td.append(c);
      row.append(td);
    }
    t.append(row);
  }
  return t;
}

async function mount(root: HTMLElement): Promise<void> {
  const st: MriState = { state: 'loading', error: null, run: null, volumes: 0 };
  (window as unknown as { __dendriteMri: MriState }).__dendriteMri = st;
  const status = el('p', { id: 'mri-status' }, 'loading…');
  root.append(status);
  try {
    const q = new URLSearchParams(location.search);
    const id = q.get('run');
    if (id === null) {
      const runs = await listSegmentRuns();
      const ul = el('ul', { id: 'mri-runs' });
      for (const r of runs) {
        const li = el('li');
        li.append(el('a', { href: `?run=${encodeURIComponent(r.id)}` }, r.id), ` — ${r.classes} classes${r.input ? `, ${r.input}` : ''}`);
        ul.append(li);
      }
      status.textContent = runs.length ? 'segment runs:' : 'no segment runs under --runs (dendrite segment <t1> --model M --out <runs>)';
      root.append(ul);
      st.state = 'list';
      return;
    }
    const run = await getMriRun(id, q.get('ref'));
    st.run = run;
    const box = el('div', { style: 'width:720px;height:540px;background:#000' });
    const canvas = el('canvas', { id: 'mri-canvas' });
    box.append(canvas);
    const side = el('div');
    const row = el('div', { style: 'display:flex;gap:24px;align-items:flex-start' });
    row.append(box, side);
    root.append(row);
    const nv = new Niivue({ backColor: [0, 0, 0, 1], show3Dcrosshair: true, isColorbar: false, logLevel: 'error' });
    await nv.attachToCanvas(canvas);
    // fetched here and handed over as bytes: niivue's own loader may abort a request half-way
    const bytes = async (url: string) => {
      const r = await fetch(url, { cache: 'no-store' });
      if (!r.ok) throw new RequestError(`${url}: ${r.status} ${(await r.text()).slice(0, 200)}`, r.status);
      return r.arrayBuffer();
    };
    const inputName = run.input?.url.endsWith('.gz') ? 'input.nii.gz' : 'input.nii';
    const [inputBytes, labelBytes] = await Promise.all([run.input ? bytes(run.input.url) : null, bytes(run.labels.url)]);
    const vols = [
      ...(inputBytes ? [{ url: inputName, name: inputName, buffer: inputBytes, colormap: 'gray' }] : []),
      { url: 'labels.nii.gz', name: 'labels.nii.gz', buffer: labelBytes, opacity: run.input ? 0.5 : 1 },
    ];
    for (const v of vols) nv.addVolume(await NVImage.loadFromUrl(v));
    const labels = nv.volumes[nv.volumes.length - 1]!;
    labels.setColormapLabel(labelColormap(run.classes));
    nv.updateGLVolume();
    nv.setSliceType(nv.sliceTypeMultiplanar);
    st.volumes = nv.volumes.length;

    side.append(el('h2', {}, 'Classes'), table(['', 'label', 'name', 'cm³'], run.classes.map((c) => [
      el('span', { style: `display:inline-block;width:14px;height:14px;border:1px solid #98a2b3;background:${css(c.color)}` }), String(c.label), c.name, (c.mm3 / 1000).toFixed(2),
    ]), 'mri-classes'));
    if (run.dice) {
      const d = run.dice;
      side.append(el('h2', {}, `Dice against ${d.reference}`), table(['label', 'name', 'Dice'], [
        ...d.perLabel.map((p) => [String(p.label), p.name, p.dice === null ? '–' : p.dice.toFixed(4)]),
        ['', 'mean', d.mean === null ? '–' : d.mean.toFixed(4)],
      ], 'mri-dice'));
    } else {
      side.append(el('p', { id: 'mri-dice-none' }, 'No reference segmentation: put reference.nii.gz in the run folder or add ?ref=<root>/<run>.'));
    }
    status.textContent = `${run.id}: ${run.input ? run.input.path : 'input volume not found; labels only'}${run.model ? ` · model ${run.model}` : ''}`;
    st.state = 'ready';
  } catch (e) {
    st.state = 'error';
    st.error = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    status.textContent = `error: ${st.error}`;
  }
}

void mount(mountLayout('mri', 'MRI segmentation'));
