// When to stop handing tasks to the workers: on a machine with more runnable threads than cores
// (other processes, a training job, a busy browser), a worker is often descheduled in the middle
// of a task, and the caller, done with the queue, waits a scheduler slice (milliseconds) for it;
// two threads then run slower than one. The pool reports each dispatch's wait at the end against
// the caller's own time per task; a wait far beyond one task's time is a straggler. After a few
// close together the pool runs the next dispatches on the caller alone, for a stretch that doubles
// while the trouble lasts (up to MAX_SOLO), then tries the workers again. On a quiet machine
// waits stay within a task's time and nothing changes. Results never depend on it: a task gives
// the same output on whichever thread runs it.

/** Dispatches run on the caller alone after a straggler streak: first, and at most. */
export const MIN_SOLO = 16;
export const MAX_SOLO = 4096;
// a wait counts as a straggler beyond this many of the caller's task times, plus a fixed margin
// (a worker's last task may start just before the queue empties, and waking costs µs)
const SLACK_TASKS = 3;
const SLACK_MS = 0.2;
// stragglers in a row (with no clean dispatch between) that make the pool go solo
const STREAK = 3;

export class Backoff {
  private streak = 0;
  private solo = 0;
  private stretch = MIN_SOLO;
  private probing = false;

  /** Whether this dispatch may use the workers (counts down a solo stretch). */
  useWorkers(): boolean {
    if (this.solo > 0) {
      this.solo--;
      if (this.solo === 0) this.probing = true;
      return false;
    }
    return true;
  }

  /**
   * One dispatch with workers: `waitMs` the caller spent waiting after the queue emptied,
   * `callerMs` the time it spent on the `ran` tasks it ran itself. When it ran none (the
   * workers took them all) there is no task time to judge the wait by: the dispatch counts
   * neither way, so a wait for a worker's whole task is never taken for a straggler.
   */
  record(waitMs: number, callerMs: number, ran: number): void {
    if (ran <= 0) return;
    const straggler = waitMs > SLACK_TASKS * (callerMs / ran) + SLACK_MS;
    if (!straggler) {
      this.streak = 0;
      if (this.probing) {
        // the workers keep up again: the next stretch starts short
        this.probing = false;
        this.stretch = MIN_SOLO;
      }
      return;
    }
    // a probe that meets a straggler goes straight back to solo, for twice as long
    if (this.probing || ++this.streak >= STREAK) {
      if (this.probing) this.stretch = Math.min(MAX_SOLO, this.stretch * 2);
      this.probing = false;
      this.streak = 0;
      this.solo = this.stretch;
    }
  }

  /** Dispatches left in the current solo stretch. */
  get soloLeft(): number {
    return this.solo;
  }
}
