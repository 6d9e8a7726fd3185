// Byte copies for readers that view the copy as a wider typed array: `bytes.slice()` is a view,
// not a copy, on a Node Buffer (Buffer.slice = subarray), whose `.buffer` is then a shared pool
// or the caller's larger block — a Float32Array over it would read the wrong bytes.

/** A fresh Uint8Array holding bytes[start, end), at offset 0 of its own ArrayBuffer. */
export function copyBytes(bytes: Uint8Array, start: number, end: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(end - start);
  out.set(bytes.subarray(start, end));
  return out;
}
