// The XML subset stream infos use: elements, text, attributes (skipped), the five entities and
// character references, comments and the <?xml?> prolog. Bounded: nesting depth and element
// count are capped so a hostile document cannot blow the stack or memory.
import { FormatError } from '../../errors.js';

export interface XmlElement {
  name: string;
  /** Concatenated, unescaped text directly inside the element. */
  text: string;
  children: XmlElement[];
  /** Offsets in the source of the first byte after the start tag and of the end tag's '<' (equal for <a />). */
  innerStart: number;
  innerEnd: number;
}

const MAX_DEPTH = 64;
const MAX_ELEMENTS = 100_000;

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Escapes text content for an element body. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function unescape(s: string, what: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (code > 0x10ffff) throw new FormatError(`${what}: character reference ${m} is out of range`);
      return String.fromCodePoint(code);
    }
    const v = ENTITIES[e];
    if (v === undefined) throw new FormatError(`${what}: unknown entity ${m}`);
    return v;
  });
}

/** The raw source between an element's tags. */
export function xmlInner(src: string, e: XmlElement): string {
  return src.slice(e.innerStart, e.innerEnd).trim();
}

/** Parses a document and returns its root element; malformed XML -> FormatError naming `what`. */
export function parseXml(src: string, what: string): XmlElement {
  let i = 0;
  let count = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const fail = (msg: string): never => {
    throw new FormatError(`${what}: malformed XML at offset ${i}: ${msg}`);
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > i) {
      const t = src.slice(i, textEnd);
      if (stack.length) stack[stack.length - 1]!.text += unescape(t, what);
      else if (t.trim()) fail('text outside the root element');
    }
    if (lt < 0) break;
    i = lt;
    if (src.startsWith('<?', i)) {
      const e = src.indexOf('?>', i);
      if (e < 0) fail('unterminated <?');
      i = e + 2;
    } else if (src.startsWith('<!--', i)) {
      const e = src.indexOf('-->', i);
      if (e < 0) fail('unterminated comment');
      i = e + 3;
    } else if (src.startsWith('<![CDATA[', i)) {
      const e = src.indexOf(']]>', i);
      if (e < 0) fail('unterminated CDATA');
      if (stack.length) stack[stack.length - 1]!.text += src.slice(i + 9, e);
      i = e + 3;
    } else if (src.startsWith('<!', i)) {
      const e = src.indexOf('>', i);
      if (e < 0) fail('unterminated <!');
      i = e + 1;
    } else if (src.startsWith('</', i)) {
      const e = src.indexOf('>', i);
      if (e < 0) fail('unterminated end tag');
      const name = src.slice(i + 2, e).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> does not close <${open?.name ?? ''}>`);
      open!.innerEnd = i;
      i = e + 1;
      if (!stack.length) {
        root = open;
        if (src.slice(i).replace(/<!--[\s\S]*?-->/g, '').trim()) fail('content after the root element');
        break;
      }
    } else {
      const e = src.indexOf('>', i);
      if (e < 0) fail('unterminated start tag');
      const body = src.slice(i + 1, e);
      const selfClosing = body.endsWith('/');
      const m = /^([A-Za-z_][\w.\-:]*)/.exec(body);
      if (!m) fail(`bad element name in <${body.slice(0, 20)}>`);
      if (++count > MAX_ELEMENTS) fail(`more than ${MAX_ELEMENTS} elements`);
      if (stack.length >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
      if (!stack.length && root) fail('a second root element');
      const node: XmlElement = { name: m![1]!, text: '', children: [], innerStart: e + 1, innerEnd: e + 1 };
      if (stack.length) stack[stack.length - 1]!.children.push(node);
      i = e + 1;
      if (selfClosing) {
        if (!stack.length) {
          root = node;
          break;
        }
      } else stack.push(node);
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) fail('no root element');
  return root!;
}
