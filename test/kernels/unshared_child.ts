// Child process of unshared_memory.test.ts: a browser page without cross-origin isolation, as
// far as dendrite can tell (crossOriginIsolated === false), asks for 4 threads and trains.
(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated = false;
const D = await import('../../src/index.js');
const { trainFixture } = await import('../browser/fixture.js');
const defaultThreads = D.getNumThreads();
console.log(JSON.stringify({ defaultThreads, ...(await trainFixture(D, 4)) }));
