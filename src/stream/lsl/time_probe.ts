// Time probes (udp_server.cpp / time_receiver.cpp): the inlet sends "LSL:timedata\r\n<wave> <t0>\r\n"
// to the outlet's service port; the outlet answers " <wave> <t0> <t1> <t2>" (t1 = its clock on
// receipt, t2 on reply). With t3 the inlet's clock on receipt, rtt = (t3 - t0) - (t2 - t1) and
// offset = ((t1 - t0) + (t2 - t3)) / 2; the probe with the least rtt wins and the correction to
// add to outlet timestamps is -offset.

/** A number as C++'s ostream with setprecision(16) writes it (printf %.16g). */
export function formatG16(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(16)))));
  if (exp < -4 || exp >= 16) {
    const [m, e] = x.toExponential(15).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
  }
  const f = x.toFixed(Math.max(0, 15 - exp));
  return f.includes('.') ? f.replace(/0+$/, '').replace(/\.$/, '') : f;
}

/** The inlet's probe datagram. */
export function formatTimeRequest(waveId: number, t0: number): string {
  return `LSL:timedata\r\n${waveId} ${formatG16(t0)}\r\n`;
}

/** Parses a probe datagram; null when it is not a well-formed timedata request. */
export function parseTimeRequest(text: string): { waveId: number; t0: number } | null {
  const lines = text.split('\n');
  if (lines.length < 2 || lines[0]!.trim() !== 'LSL:timedata') return null;
  const m = /^\s*(-?\d+)\s+(\S+)\s*$/.exec(lines[1]!);
  if (!m) return null;
  const t0 = Number(m[2]);
  if (!Number.isFinite(t0)) return null;
  return { waveId: Number(m[1]), t0 };
}

/** The outlet's reply (leading space, no trailing newline). */
export function formatTimeReply(waveId: number, t0: number, t1: number, t2: number): string {
  return ` ${waveId} ${formatG16(t0)} ${formatG16(t1)} ${formatG16(t2)}`;
}

/** Parses a reply; null when malformed. */
export function parseTimeReply(text: string): { waveId: number; t0: number; t1: number; t2: number } | null {
  const p = text.trim().split(/\s+/);
  if (p.length !== 4 || !/^-?\d+$/.test(p[0]!)) return null;
  const [t0, t1, t2] = p.slice(1).map(Number) as [number, number, number];
  if (![t0, t1, t2].every(Number.isFinite)) return null;
  return { waveId: Number(p[0]), t0, t1, t2 };
}

/** One completed probe: inlet send/receive times t0/t3, outlet receive/reply times t1/t2. */
export interface TimeProbe {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

/** The estimate from a set of probes: the one with the least round-trip time. */
export interface TimeEstimate {
  /** Outlet clock minus inlet clock (seconds). */
  offset: number;
  /** Its round-trip time (seconds): the uncertainty. */
  rtt: number;
  /** What to add to outlet timestamps to map them into the inlet's clock (= -offset). */
  correction: number;
}

/** The min-rtt estimate, or null for no probes. */
export function estimateOffset(probes: readonly TimeProbe[]): TimeEstimate | null {
  let best: TimeEstimate | null = null;
  for (const { t0, t1, t2, t3 } of probes) {
    const rtt = t3 - t0 - (t2 - t1);
    const offset = (t1 - t0 + (t2 - t3)) / 2;
    if (!best || rtt < best.rtt) best = { offset, rtt, correction: -offset };
  }
  return best;
}
