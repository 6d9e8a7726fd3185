// EDF+ Time-stamped Annotation Lists (TALs), as stored in 'EDF Annotations' / 'BDF Annotations'
// signals. A TAL is `+onset[\x15duration]\x14text\x14[text\x14...]\x00`; the first TAL of every data
// record (in the first annotation signal) is a time-keeping TAL whose first text is empty and
// whose onset is the record's start, in seconds after the header's start second.

/** One parsed TAL. `texts` keeps the empty time-keeping text, if any, as ''. */
export interface Tal {
  onset: number;
  duration: number;
  texts: string[];
  /** The texts were not valid UTF-8 and were read as Latin-1. */
  latin1?: true;
}

const NUM = /^[+-](\d+\.?\d*|\.\d+)$/;
const DUR = /^(\d+\.?\d*|\.\d+)$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 as EDF+ prescribes; bytes that are not valid UTF-8 are read as Latin-1 (older writers). */
function decodeText(b: Uint8Array): { text: string; latin1: boolean } {
  try {
    return { text: utf8.decode(b), latin1: false };
  } catch {
    return { text: latin1(b), latin1: true };
  }
}

/**
 * Parses every TAL in `bytes` (one record's annotation signal; NUL padding is skipped).
 * Malformed TALs are skipped and reported through `warn`. Texts that are not valid UTF-8 are
 * read as Latin-1 and flagged `latin1`.
 */
export function parseTals(bytes: Uint8Array, warn: (msg: string) => void): Tal[] {
  const out: Tal[] = [];
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    if (bytes[i] === 0) { i++; continue; }
    // A TAL runs to the next NUL (or the end of the signal).
    let end = i;
    while (end < n && bytes[end] !== 0) end++;
    const tal = bytes.subarray(i, end);
    i = end + 1;
    const sep = tal.indexOf(0x14);
    if (sep < 0) { warn(`TAL without a 0x14 separator skipped: ${JSON.stringify(latin1(tal.subarray(0, 40)))}`); continue; }
    const stamp = latin1(tal.subarray(0, sep));
    const d = stamp.indexOf('\x15');
    const onsetText = d < 0 ? stamp : stamp.slice(0, d);
    const durText = d < 0 ? '' : stamp.slice(d + 1);
    const onset = Number(onsetText), duration = durText === '' ? 0 : Number(durText);
    if (!NUM.test(onsetText) || (durText !== '' && !DUR.test(durText)) || !Number.isFinite(onset) || !Number.isFinite(duration)) {
      warn(`TAL with a malformed time stamp skipped: ${JSON.stringify(stamp.length > 60 ? stamp.slice(0, 60) + '...' : stamp)}`);
      continue;
    }
    // Texts: everything after the first 0x14, split on 0x14; the last piece (after the final
    // 0x14) is empty in a well-formed TAL and dropped.
    const body = decodeText(tal.subarray(sep + 1));
    const texts = body.text.split('\x14');
    if (texts.length > 1) texts.pop();
    out.push(body.latin1 ? { onset, duration, texts, latin1: true } : { onset, duration, texts });
  }
  return out;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Formats seconds for a TAL: plain decimal, at most 9 decimals, no exponent. */
export function formatTalNumber(x: number, signed: boolean): string {
  let s = Math.abs(x).toFixed(9);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (!signed) return s;
  return (x < 0 ? '-' : '+') + s;
}

const enc = new TextEncoder();

/** Encodes one TAL (ending with its 0x00). Texts may not contain 0x14 or 0x00; those become spaces. */
export function encodeTal(onset: number, duration: number, texts: readonly string[]): Uint8Array {
  let s = formatTalNumber(onset, true);
  if (duration > 0) s += '\x15' + formatTalNumber(duration, false);
  s += '\x14';
  for (const t of texts) s += t.replace(/[\x00\x14\x15]/g, ' ') + '\x14';
  const body = enc.encode(s);
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  return out;
}
