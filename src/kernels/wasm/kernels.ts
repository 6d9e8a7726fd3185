// Every wasm kernel, declared once: its export name (src/kernels/wasm/asm/index.ts), its
// parameters (float ones marked ':f', passed to worker threads as float32 bit patterns), what
// it returns, and whether worker threads run it (`task`). The loader's types, the task ids and
// the worker dispatch (pool/protocol.ts) are derived from this table; adding a kernel is its
// AssemblyScript, its export, a line here and its binding in the backend (the build fails
// when this table and the module's exports or parameter counts disagree).

export const KERNELS = {
  sgemm: { task: true, args: ['batch', 'M', 'N', 'K', 'a', 'asb', 'asr', 'asc', 'b', 'bsb', 'bsr', 'bsc', 'c', 'csb', 'csr', 'csc', 'beta', 'scratch'] },
  im2col: { task: true, args: ['x', 'N', 'C', 'geo', 'dst', 'rowStride', 'imageStride'] },
  col2im: { task: true, args: ['col', 'N', 'C', 'geo', 'dst', 'rowStride', 'imageStride'] },
  convDirect: { task: true, args: ['x', 'N', 'C', 'O', 'geo', 'w', 'bias', 'hasBias', 'y', 'scratch'] },
  convDirectWeightGrad: { task: true, args: ['x', 'dy', 'N', 'C', 'O', 'geo', 'dw', 'chunk', 'scratch'] },
  conv3d: { task: true, args: ['x', 'N', 'xs', 'C', 'O', 'geo', 'w', 'bias', 'hasBias', 'y', 'ys', 'p0', 'p1', 'col', 'tile', 'scratch'] },
  conv3dRows: { task: true, args: ['x', 'N', 'xs', 'C', 'O', 'geo', 'w', 'bias', 'hasBias', 'y', 'ys', 'r0', 'r1', 'pack'] },
  conv3dBackwardInput: { task: true, args: ['dy', 'N', 'ys', 'C', 'O', 'geo', 'w', 'dx', 'xs', 'c0', 'c1', 'col', 'tile', 'scratch'] },
  conv3dWeightGrad: { task: true, args: ['x', 'dy', 'N', 'xs', 'ys', 'C', 'O', 'geo', 'dw', 'p0', 'p1', 'col', 'tile', 'scratch'] },
  fftConvSpectrum: { args: ['w', 'O', 'kh', 'W', 'n', 'spec', 'scratch'] },
  fftConv: { task: true, args: ['x', 'N', 'H', 'W', 'O', 'kh', 'n', 'OH', 'bp0', 'bp1', 'spec', 'bias', 'hasBias', 'y', 'xs', 'zb'] },
  maxPool2d: { task: true, args: ['x', 'planes', 'geo', 'dst', 'idx'] },
  maxPool2dBackward: { task: true, args: ['dy', 'idx', 'planes', 'HW', 'L', 'dx'] },
  avgPool2d: { task: true, args: ['x', 'planes', 'geo', 'cip', 'dst'] },
  avgPool2dBackward: { task: true, args: ['dy', 'planes', 'geo', 'cip', 'dx'] },
  unary: { task: true, args: ['op', 'src', 'dst', 'n', 'p0:f', 'p1:f'] },
  binary: { task: true, args: ['op', 'ndim', 'meta', 'a', 'b', 'dst', 'p0:f'] },
  copy: { task: true, args: ['ndim', 'meta', 'src', 'dst'] },
  fill32: { task: true, args: ['dst', 'n', 'bits'] },
  allFinite: { returns: true, args: ['src', 'n'] },
  reduceSum: { task: true, args: ['src', 'outer', 'n', 'inner', 'dst'] },
  reduceMax: { args: ['isMax', 'src', 'outer', 'n', 'inner', 'dst', 'idx'] },
  softmax: { args: ['src', 'outer', 'n', 'inner', 'dst', 'log'] },
  compare: { args: ['op', 'ndim', 'meta', 'a', 'b', 'dst'] },
  where: { args: ['ndim', 'meta', 'c', 'a', 'b', 'dst'] },
  batchNormStats: { task: true, args: ['x', 'N', 'C', 'L', 'eps:f', 'mean', 'invstd', 'c0', 'c1'] },
  batchNormApply: { task: true, args: ['x', 'N', 'C', 'L', 'mean', 'invstd', 'w', 'b', 'y', 'c0', 'c1'] },
  batchNormBackward: { task: true, args: ['x', 'dy', 'N', 'C', 'L', 'mean', 'invstd', 'w', 'dx', 'dw', 'db', 'c0', 'c1'] },
  sgdStep: { task: true, args: ['n', 'p', 'g', 'buf', 'lr:f', 'momentum:f', 'dampening:f', 'weightDecay:f', 'nesterov', 'maximize', 'first'] },
  adamStep: { args: ['n', 'p', 'g', 'm', 'v', 'vmax', 'lr:f', 'beta1:f', 'beta2:f', 'eps:f', 'weightDecay:f', 'step:f', 'maximize'] },
  lstmCell: { args: ['B', 'H', 'gates', 'c', 'cRow', 'out', 'act'] },
  lstmCellBackward: { args: ['B', 'H', 'act', 'c', 'cRow', 'dout', 'dgates', 'dc'] },
  gruCell: { args: ['B', 'H', 'gi', 'gh', 'h', 'hRow', 'out', 'act'] },
  gruCellBackward: { args: ['B', 'H', 'act', 'h', 'hRow', 'dout', 'dgi', 'dgh', 'dh'] },
  rnnSequence: { args: ['mode', 'T', 'B', 'H', 'reverse', 'gi', 'whh', 'bhh', 'h0', 'c', 'out', 'gh'] },
} as const satisfies Record<string, { args: readonly string[]; task?: true; returns?: true }>;

export type KernelName = keyof typeof KERNELS;
type Spec<K extends KernelName> = (typeof KERNELS)[K];
type Numbers<A extends readonly unknown[]> = { -readonly [I in keyof A]: number };
type Params<K extends KernelName> = Numbers<Spec<K>['args']>;

/** One kernel's function as the module exports it (offsets in bytes). */
export type KernelFn<K extends KernelName> = (...args: Params<K>) => Spec<K> extends { returns: true } ? number : void;

/** The module's kernels, typed from the table. */
export type KernelExports = { [K in KernelName]: KernelFn<K> };

/** The kernels worker threads run, in task-id order. */
export type TaskName = { [K in KernelName]: Spec<K> extends { task: true } ? K : never }[KernelName];
export const TASKS = (Object.keys(KERNELS) as KernelName[]).filter((k) => 'task' in KERNELS[k]) as TaskName[];

/** Each task's float parameters, as flags by position. */
export const TASK_FLOATS: readonly (readonly boolean[])[] = TASKS.map((k) => KERNELS[k].args.map((a: string) => a.endsWith(':f')));

/** Exports besides the kernels: the GEMM's blocking sizes. */
export const CONSTANTS = ['KC', 'NC', 'MC'] as const;
