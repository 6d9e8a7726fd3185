// Optimizer updates in one pass over float32 parameters, in place (see the JS reference in
// src/kernels/js/optim.ts for the formulas). Scalar f32 arithmetic, in PyTorch's order.

export function sgdStep(n: i32, p: usize, g: usize, buf: isize, lr: f32, momentum: f32, dampening: f32, weightDecay: f32, nesterov: i32, maximize: i32, first: i32): void {
  let i = 0;
  const wd = f32x4.splat(weightDecay), mu = f32x4.splat(momentum), damp = f32x4.splat(1 - dampening), lrv = f32x4.splat(lr);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    const pv = v128.load(p + o);
    if (weightDecay != 0) d = f32x4.add(d, f32x4.mul(wd, pv));
    if (buf >= 0) {
      const bp = <usize>buf + o;
      const b = first ? d : f32x4.add(f32x4.mul(mu, v128.load(bp)), f32x4.mul(damp, d));
      v128.store(bp, b);
      d = nesterov ? f32x4.add(d, f32x4.mul(mu, b)) : b;
    }
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(lrv, d)));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    if (weightDecay != 0) d += weightDecay * load<f32>(p + o);
    if (buf >= 0) {
      const bp = <usize>buf + o;
      const b: f32 = first ? d : momentum * load<f32>(bp) + (1 - dampening) * d;
      store<f32>(bp, b);
      d = nesterov ? d + momentum * b : b;
    }
    store<f32>(p + o, load<f32>(p + o) - lr * d);
  }
}

export function adamStep(n: i32, p: usize, g: usize, m: usize, v: usize, vmax: isize, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, step: f64, maximize: i32): void {
  const bc1 = 1 - Math.pow(<f64>beta1, step);
  const bc2Sqrt = <f32>Math.sqrt(1 - Math.pow(<f64>beta2, step));
  const stepSize = <f32>(<f64>lr / bc1);
  let i = 0;
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1), b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const wd = f32x4.splat(weightDecay), bc2 = f32x4.splat(bc2Sqrt), ev = f32x4.splat(eps), ss = f32x4.splat(stepSize);
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i * 4;
    let d = v128.load(g + o);
    if (maximize) d = f32x4.neg(d);
    const pv = v128.load(p + o);
    if (weightDecay != 0) d = f32x4.add(d, f32x4.mul(wd, pv));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, d));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(c2, d), d));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    let sv = vi;
    if (vmax >= 0) {
      const q = <usize>vmax + o;
      sv = f32x4.max(v128.load(q), vi);
      v128.store(q, sv);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(sv), bc2), ev);
    v128.store(p + o, f32x4.sub(pv, f32x4.mul(ss, f32x4.div(mi, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i * 4;
    let d = load<f32>(g + o);
    if (maximize) d = -d;
    if (weightDecay != 0) d += weightDecay * load<f32>(p + o);
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * d;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * d * d;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    let s = vi;
    if (vmax >= 0) {
      const q = <usize>vmax + o;
      s = max(load<f32>(q), vi);
      store<f32>(q, s);
    }
    store<f32>(p + o, load<f32>(p + o) - stepSize * (mi / (Mathf.sqrt(s) / bc2Sqrt + eps)));
  }
}
