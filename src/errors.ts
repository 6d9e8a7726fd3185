// Typed errors. Each message names the op or file at fault and the offending values.

/** Base class of every error dendrite throws on purpose. */
export class DendriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit an op: `matmul: (2, 3) @ (4, 5): inner dimensions 3 and 4 differ`. */
export class ShapeError extends DendriteError {}

/** A dtype an op cannot take: `conv2d: input dtype int32, expected float32 or float64`. */
export class DTypeError extends DendriteError {}

/** An index or value out of its allowed range (negative sizes, class indices, dims). */
export class IndexError extends DendriteError {}

/** A file or byte stream that does not follow its format. Names the file/field. */
export class FormatError extends DendriteError {}

/** A state dict whose keys or shapes do not match the module. */
export class StateDictError extends DendriteError {}

/** An invalid argument value (learning rate < 0, unknown option). */
export class ArgumentError extends DendriteError {}

/** Autograd misuse: backward twice through a freed graph, non-scalar without a seed. */
export class AutogradError extends DendriteError {}

/** A bounded stream queue refused input because it is full (backpressure: the caller must slow down or drop). */
export class BackpressureError extends DendriteError {}

/** A network peer that broke its wire protocol or asked for one dendrite refuses (LSL 1.00, a bad handshake, wrong test patterns). */
export class ProtocolError extends DendriteError {}

/** A network stream that went away: the peer closed, stalled past the watchdog, or never answered. */
export class StreamLostError extends DendriteError {}

/** An HTTP request the dashboard server refuses; `status` is the reply's code (400 bad input, 403 token, 404 unknown, 413 too large). */
export class RequestError extends DendriteError {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** A compute device that is missing, lost or full (no WebGPU adapter, device memory exhausted), or data read the wrong way for it (dataSync on a GPU tensor). Names what was tried. */
export class DeviceError extends DendriteError {}

/** Tensor memory cannot grow to hold an allocation (the wasm heap's 4 GiB, a GPU buffer's limit). */
export class OutOfMemoryError extends DeviceError {}

/** A data-parallel replica (a worker thread) that failed: its model could not be built, it threw in a step, it exited, or it missed a barrier. `replica` is its index. */
export class ReplicaError extends DendriteError {
  constructor(message: string, readonly replica: number) {
    super(message);
  }
}
