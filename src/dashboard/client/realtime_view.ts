// The closed-loop cursor task drawn on a canvas. Each decoded output moves the cursor:
//   EEG classes: the classes sit at evenly spaced directions (two classes: left and right) and
//     the cursor steps along the probability-weighted sum of those directions, so a confident
//     decoder moves it fast and an undecided one barely at all;
//   spike kinematics: the decoded velocity (first two outputs), scaled by its running RMS.
// A target sits at one of the class directions; reaching it scores a hit and the next target
// comes up at the next direction. The decoded class and each class's probability are drawn
// beneath the arena.
import type { SessionOutput } from './realtime_session.js';

export interface CursorState {
  x: number;
  y: number;
  target: number;
  hits: number;
  misses: number;
}

/** Unit direction of class k of n (two classes: left, right; more: around the circle from the left). */
export function classDirection(k: number, n: number): [number, number] {
  if (n <= 2) return [k === 0 ? -1 : 1, 0];
  const a = Math.PI - (2 * Math.PI * k) / n;
  return [Math.cos(a), Math.sin(a)];
}

export class CursorTask {
  readonly state: CursorState = { x: 0, y: 0, target: 0, hits: 0, misses: 0 };
  private rms = 0;
  private last: SessionOutput | null = null;

  /** `targets`: the class names (EEG) or output names (spikes). */
  constructor(readonly targets: readonly string[], readonly kind: 'eeg' | 'spikes', readonly gain = 0.08) {}

  private get nTargets(): number {
    return this.kind === 'eeg' ? this.targets.length : 4;
  }

  step(o: SessionOutput): void {
    this.last = o;
    const s = this.state;
    let dx = 0, dy = 0;
    if (o.probabilities) {
      o.probabilities.forEach((p, k) => {
        const [ux, uy] = classDirection(k, o.probabilities!.length);
        dx += p * ux;
        dy += p * uy;
      });
    } else if (o.values && o.values.length >= 1) {
      const vx = o.values[0]!, vy = o.values[1] ?? 0;
      this.rms = Math.sqrt(0.99 * this.rms ** 2 + 0.01 * (vx * vx + vy * vy)) || 1;
      dx = vx / this.rms;
      dy = vy / this.rms;
    }
    s.x = Math.max(-1, Math.min(1, s.x + this.gain * dx));
    s.y = Math.max(-1, Math.min(1, s.y + this.gain * dy));
    const [tx, ty] = classDirection(s.target, this.nTargets);
    const reach = Math.hypot(s.x - 0.85 * tx, s.y - 0.85 * ty) < 0.15;
    const wrong = !reach && Math.hypot(s.x, s.y) > 0.85;
    if (reach || wrong) {
      if (reach) s.hits++;
      else s.misses++;
      s.x = 0;
      s.y = 0;
      s.target = (s.target + 1) % this.nTargets;
    }
  }

  draw(ctx: CanvasRenderingContext2D, width: number, height: number): void {
    const s = this.state;
    const bars = this.kind === 'eeg' ? 70 : 30;
    const size = Math.min(width, height - bars);
    const cx = width / 2, cy = size / 2, r = size / 2 - 12;
    ctx.fillStyle = '#10151c';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#3a4656';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(cx, cy, r, 0, 2 * Math.PI);
    ctx.stroke();
    for (let k = 0; k < this.nTargets; k++) {
      const [tx, ty] = classDirection(k, this.nTargets);
      ctx.fillStyle = k === s.target ? '#f2b134' : '#2a3442';
      ctx.beginPath();
      ctx.arc(cx + 0.85 * r * tx, cy - 0.85 * r * ty, 0.15 * r, 0, 2 * Math.PI);
      ctx.fill();
      if (this.kind === 'eeg') {
        ctx.fillStyle = '#c9d3df';
        ctx.font = '13px sans-serif';
        ctx.textAlign = 'center';
        ctx.fillText(this.targets[k] ?? '', cx + 0.85 * r * tx, cy - 0.85 * r * ty + 4);
      }
    }
    ctx.fillStyle = '#4fc3f7';
    ctx.beginPath();
    ctx.arc(cx + r * s.x, cy - r * s.y, 10, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = '#c9d3df';
    ctx.font = '13px sans-serif';
    ctx.textAlign = 'left';
    ctx.fillText(`hits ${s.hits}  misses ${s.misses}`, 8, 18);
    const o = this.last;
    if (this.kind === 'eeg' && o?.probabilities) {
      const y0 = size + 8, w = (width - 16) / o.probabilities.length;
      o.probabilities.forEach((p, k) => {
        ctx.fillStyle = k === o.classIndex ? '#4fc3f7' : '#3a4656';
        ctx.fillRect(8 + k * w + 4, y0 + 40 * (1 - p), w - 8, 40 * p);
        ctx.fillStyle = '#c9d3df';
        ctx.textAlign = 'center';
        ctx.fillText(`${this.targets[k] ?? k} ${(100 * p).toFixed(0)} %`, 8 + (k + 0.5) * w, y0 + 56);
      });
    }
  }
}
