// The control block data-parallel replicas share (one Int32Array over a SharedArrayBuffer), and
// the barrier they meet at. Replica 0 (the calling thread) posts a command by writing its
// arguments and bumping GEN; the workers wait on GEN. A barrier is per-replica arrival slots,
// each on its own cache line, plus one BELL word every arrival bumps and notifies: a waiter
// checks the slots, reads BELL, checks again and sleeps on BELL, so no wake-up is lost. Waits
// spin briefly first (replicas arrive within microseconds of each other when the shards are
// even), then sleep in slices so a failed replica, an abort or the deadline is noticed.

import { ReplicaError } from '../../errors.js';

export const GEN = 0;
export const CMD = 1;
export const BATCH = 2;
/** The barrier sequence number the command's first barrier follows. */
export const SEQ = 3;
export const ABORT = 4;
export const BELL = 5;
/** Bumped when replica 0 sends a larger input buffer through the port. */
export const INPUT_EPOCH = 6;
export const COUNT_CORRECT = 7;
/** y: 0 int32 (class indices), 1 float32 (regression targets). */
export const Y_KIND = 8;
export const X_NDIM = 9;
export const Y_NDIM = 10;
export const MAX_DIMS = 8;
/** Per-example dims of x (after the batch dim), then of y. */
export const X_DIMS = 16;
export const Y_DIMS = X_DIMS + MAX_DIMS;
/** Per-replica slots, one cache line (16 ints) each, from here. */
const REPLICA_BASE = 48;
const LINE = 16;
export const ARRIVED = 0;
/** 0 fine, 1 threw, 2 exited. */
export const FAILED = 1;
export const CORRECT = 2;
export const slot = (r: number, field: number): number => REPLICA_BASE + r * LINE + field;
export const controlInts = (replicas: number): number => REPLICA_BASE + replicas * LINE;

export const CMD_STEP = 1;
export const CMD_STATE = 2;
export const CMD_STOP = 3;

/** Bytes of each replica's error message in the message area. */
export const MESSAGE_BYTES = 1024;

/** What every shared piece of a data-parallel group is, as sent to each worker. */
export interface SharedBlocks {
  control: SharedArrayBuffer;
  /** Float64: each replica's shard loss, then the optimizer's numeric hyperparameters. */
  scalars: SharedArrayBuffer;
  /** Float32: one slot of `length` values per replica, then the reduced result. */
  vectors: SharedArrayBuffer;
  /** Int32: two areas (even and odd steps) of, per replica, one flag per parameter: whether it had a gradient. */
  flags: SharedArrayBuffer;
  /** Utf-8 error messages, MESSAGE_BYTES per replica. */
  messages: SharedArrayBuffer;
}

/** Raised inside a replica when replica 0 aborted the group: unwinds without a message of its own. */
export class Aborted extends Error {}

/**
 * How long a replica spins before sleeping, adapted to the machine: a wait that outlasts the
 * spin halves the next one (on a loaded machine the replica waited for may itself be waiting for
 * a core, which spinning keeps from it); a wait that the spin covers lets it grow back to `max`.
 */
export class SpinBudget {
  ms: number;
  constructor(readonly max: number) {
    this.ms = max;
  }
  hit(): void {
    this.ms = Math.min(this.max, this.ms * 2 + 0.01);
  }
  miss(): void {
    this.ms /= 2;
  }
}

export interface WaitOptions {
  /** The replica waiting (for messages). */
  self: number;
  replicas: number;
  /** Spinning before sleeping. */
  spin: SpinBudget;
  /** Milliseconds until a missing replica counts as hung. */
  timeoutMs: number;
  /** What the barrier is, for the error message. */
  what: string;
  /** The step it belongs to, named after `what` when given. */
  step?: number;
  /** The text of replica r's failure. */
  message: (r: number) => string;
}

/** Marks `r` as arrived at barrier `seq` and wakes the waiters. */
export function arrive(c: Int32Array, r: number, seq: number): void {
  Atomics.store(c, slot(r, ARRIVED), seq);
  Atomics.add(c, BELL, 1);
  Atomics.notify(c, BELL);
}

/** Tells every replica to give up (replica 0, after a failure) and wakes the waiters. */
export function abort(c: Int32Array): void {
  Atomics.store(c, ABORT, 1);
  // bumped as every other change a waiter must see, so one about to sleep on BELL does not
  Atomics.add(c, BELL, 1);
  Atomics.notify(c, BELL);
}

/** Marks `r` as failed (`code` 1 threw, 2 exited) and wakes the waiters. */
export function fail(c: Int32Array, r: number, code: number): void {
  Atomics.store(c, slot(r, FAILED), code);
  Atomics.add(c, BELL, 1);
  Atomics.notify(c, BELL);
}

/** The replicas not yet at barrier `seq` (one may be past it already; compared modulo 2^32). */
function missing(c: Int32Array, replicas: number, seq: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < replicas; r++) if (((Atomics.load(c, slot(r, ARRIVED)) - seq) | 0) < 0) out.push(r);
  return out;
}

function allArrived(c: Int32Array, replicas: number, seq: number): boolean {
  for (let r = 0; r < replicas; r++) if (((Atomics.load(c, slot(r, ARRIVED)) - seq) | 0) < 0) return false;
  return true;
}

function barrierName(o: WaitOptions): string {
  return o.step === undefined ? o.what : `${o.what} of step ${o.step}`;
}

function check(c: Int32Array, o: WaitOptions): void {
  if (Atomics.load(c, ABORT) !== 0) throw new Aborted();
  for (let r = 0; r < o.replicas; r++) {
    const f = Atomics.load(c, slot(r, FAILED));
    if (f !== 0) throw new ReplicaError(`DataParallel: replica ${r} ${f === 2 ? 'exited' : 'failed'} before ${barrierName(o)}: ${o.message(r)}`, r);
  }
}

/**
 * Returns once every replica has arrived at barrier `seq`; throws ReplicaError when one failed
 * or the deadline passes (naming the replicas still missing), Aborted when replica 0 aborted.
 */
export function awaitAll(c: Int32Array, seq: number, o: WaitOptions): void {
  if (allArrived(c, o.replicas, seq)) return;
  const t0 = performance.now();
  for (let i = 1; ; i++) {
    if ((i & 255) === 0) {
      check(c, o);
      if (performance.now() - t0 > o.spin.ms) break;
    }
    if (allArrived(c, o.replicas, seq)) {
      o.spin.hit();
      return;
    }
  }
  o.spin.miss();
  for (;;) {
    const bell = Atomics.load(c, BELL);
    check(c, o);
    const left = missing(c, o.replicas, seq);
    if (left.length === 0) return;
    const waited = performance.now() - t0;
    if (waited > o.timeoutMs) {
      const who = left.length === 1 ? `replica ${left[0]}` : `replicas ${left.join(', ')}`;
      throw new ReplicaError(`DataParallel: ${who} did not reach ${barrierName(o)} within ${o.timeoutMs} ms (hung or died); replica ${o.self} gave up waiting`, left[0]!);
    }
    Atomics.wait(c, BELL, bell, Math.min(50, o.timeoutMs - waited + 1));
  }
}

/** Writes `text` (cut to fit) as replica r's message. */
export function writeMessage(messages: SharedArrayBuffer, r: number, text: string): void {
  const bytes = new TextEncoder().encode(text).subarray(0, MESSAGE_BYTES - 4);
  const view = new Uint8Array(messages, r * MESSAGE_BYTES, MESSAGE_BYTES);
  new DataView(messages).setInt32(r * MESSAGE_BYTES, bytes.length, true);
  view.set(bytes, 4);
}

export function readMessage(messages: SharedArrayBuffer, r: number): string {
  const n = new DataView(messages).getInt32(r * MESSAGE_BYTES, true);
  if (n <= 0) return '(no message)';
  return new TextDecoder().decode(new Uint8Array(messages, r * MESSAGE_BYTES + 4, n).slice());
}

/** The contiguous shard sizes of a batch of `batch` over `replicas`: the first `batch % replicas` get one more. */
export function shardSizes(batch: number, replicas: number): number[] {
  const q = Math.floor(batch / replicas);
  const extra = batch % replicas;
  return Array.from({ length: replicas }, (_, r) => q + (r < extra ? 1 : 0));
}
