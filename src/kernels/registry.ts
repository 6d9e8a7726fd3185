// Which backend runs the kernels. The JS reference backend is always present; faster ones
// register themselves and can be selected by name.

import type { Backend } from './backend.js';
import { heap } from './heap.js';
import { jsBackend } from './js/index.js';

const backends = new Map<string, () => Backend>([['js', () => jsBackend(heap())]]);
let active: Backend | null = null;

export function registerBackend(name: string, make: () => Backend): void {
  backends.set(name, make);
}

export function setBackend(name: string): void {
  const make = backends.get(name);
  if (make === undefined) throw new Error(`setBackend: unknown backend '${name}' (known: ${[...backends.keys()].join(', ')})`);
  active = make();
}

/** The active backend (the JS reference until another is chosen). */
export function backend(): Backend {
  if (active === null) active = jsBackend(heap());
  return active;
}
