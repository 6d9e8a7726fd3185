// Optimizer updates in one pass over float32 parameters, in place (see the JS reference in
// src/kernels/js/optim.ts for the formulas). Scalar f32 arithmetic, in PyTorch's order.

export function sgdStep(n: i32, p: usize, g: usize, buf: isize, lr: f32, momentum: f32, dampening: f32, weightDecay: f32, nesterov: i32, maximize: i32, first: i32): void {
  for (let i = 0; i < n; i++) {
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
  for (let i = 0; i < n; i++) {
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
