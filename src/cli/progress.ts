// A terminal progress bar: `epoch 3/10 [#########.....] 412/938 loss 0.0412 1520 img/s ETA 0:21`.
// On a TTY it redraws one line; otherwise (CI logs, pipes) it prints a line every 10 %.

export interface ProgressStream {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressBar {
  private readonly start = performance.now();
  private lastPrinted = -1;

  constructor(
    readonly label: string,
    readonly total: number,
    readonly unitsPerStep: number,
    readonly unitName: string,
    private readonly out: ProgressStream = process.stderr,
  ) {}

  update(done: number, fields: Record<string, string> = {}): void {
    const elapsed = (performance.now() - this.start) / 1000;
    const rate = elapsed > 0 ? (done * this.unitsPerStep) / elapsed : 0;
    const eta = done > 0 ? (elapsed / done) * (this.total - done) : NaN;
    const width = 24;
    const filled = Math.round((done / this.total) * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const extra = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' ');
    const line = `${this.label} [${bar}] ${done}/${this.total} ${extra} ${rate.toFixed(0)} ${this.unitName}/s ETA ${fmtTime(eta)}`;
    if (this.out.isTTY) {
      this.out.write(`\r${line.slice(0, (this.out.columns ?? 120) - 1)}\x1b[K`);
    } else {
      const decile = Math.floor((done / this.total) * 10);
      if (decile > this.lastPrinted) {
        this.lastPrinted = decile;
        this.out.write(`${line}\n`);
      }
    }
  }

  finish(fields: Record<string, string> = {}): number {
    const elapsed = (performance.now() - this.start) / 1000;
    const extra = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join(' ');
    const rate = (this.total * this.unitsPerStep) / elapsed;
    const line = `${this.label} done in ${fmtTime(elapsed)} (${rate.toFixed(0)} ${this.unitName}/s) ${extra}`;
    this.out.write(this.out.isTTY ? `\r${line}\x1b[K\n` : `${line}\n`);
    return elapsed;
  }
}

export function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '-:--';
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
