// A minimal MAT-file writer for tests that need a .mat of their own shapes (real double matrices).

/** A minimal uncompressed Level 5 MAT-file of real double matrices, given column-major. */
export function matFile(vars: Record<string, { dims: [number, number]; colMajor: ArrayLike<number> }>): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new Uint8Array(128).fill(0x20);
  head.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, written by the dendrite tests'));
  head.fill(0, 116, 124);
  new DataView(head.buffer).setUint16(124, 0x0100, true);
  head[126] = 0x49; // 'I'
  head[127] = 0x4d; // 'M'
  parts.push(head);
  const pad8 = (n: number) => (n + 7) & ~7;
  for (const [name, { dims, colMajor }] of Object.entries(vars)) {
    const nameLen = name.length;
    const body = 16 + 16 + 8 + pad8(nameLen) + 8 + colMajor.length * 8;
    const b = new Uint8Array(8 + body);
    const v = new DataView(b.buffer);
    let o = 0;
    const u32 = (x: number) => { v.setUint32(o, x, true); o += 4; };
    u32(14); u32(body); // miMATRIX
    u32(6); u32(8); u32(6); u32(0); // array flags: miUINT32, class mxDOUBLE_CLASS
    u32(5); u32(8); v.setInt32(o, dims[0], true); v.setInt32(o + 4, dims[1], true); o += 8; // dims: miINT32
    u32(1); u32(nameLen); b.set(new TextEncoder().encode(name), o); o += pad8(nameLen); // name: miINT8
    u32(9); u32(colMajor.length * 8); // real part: miDOUBLE
    for (let i = 0; i < colMajor.length; i++) { v.setFloat64(o, colMajor[i]!, true); o += 8; }
    parts.push(b);
  }
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
