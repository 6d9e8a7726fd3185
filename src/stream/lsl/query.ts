// Stream queries: LSL's are XPath 1.0 booleans over <info>. dendrite evaluates the subset that
// resolvers send in practice: `field='value'`, `field=number` and `starts-with(field,'prefix')`,
// joined with `and`; the empty query matches every stream. Anything else is refused by name.
import { ArgumentError } from '../../errors.js';
import type { StreamInfo } from './info.js';

/** The <info> fields a query may name, mapped to the StreamInfo value. */
const FIELDS: Record<string, (i: StreamInfo) => string | number> = {
  name: (i) => i.name,
  type: (i) => i.type,
  source_id: (i) => i.sourceId,
  uid: (i) => i.uid,
  hostname: (i) => i.hostname,
  session_id: (i) => i.sessionId,
  channel_format: (i) => i.channelFormat,
  channel_count: (i) => i.channelCount,
  nominal_srate: (i) => i.nominalSrate,
};

export interface QueryTerm {
  op: 'eq' | 'starts-with';
  field: string;
  value: string | number;
}

/** A parsed query: the conjunction of its terms. */
export interface StreamQuery {
  text: string;
  terms: QueryTerm[];
}

const TERM =
  /^\s*(?:starts-with\s*\(\s*([a-z_]+)\s*,\s*('[^']*'|"[^"]*")\s*\)|([a-z_]+)\s*=\s*('[^']*'|"[^"]*"|-?\d+(?:\.\d+)?))\s*/;

/** Parses a query of the supported subset; anything else -> ArgumentError naming the query. */
export function parseQuery(text: string): StreamQuery {
  const terms: QueryTerm[] = [];
  let rest = text.trim();
  if (rest === '') return { text: '', terms };
  for (;;) {
    const m = TERM.exec(rest);
    if (!m) throw new ArgumentError(`lsl query "${text}": only field='value', field=number and starts-with(field,'x') joined with 'and' are supported`);
    const field = (m[1] ?? m[3])!;
    if (!(field in FIELDS)) throw new ArgumentError(`lsl query "${text}": unknown field '${field}' (known: ${Object.keys(FIELDS).join(', ')})`);
    const lit = (m[2] ?? m[4])!;
    const value = lit[0] === "'" || lit[0] === '"' ? lit.slice(1, -1) : Number(lit);
    terms.push({ op: m[1] ? 'starts-with' : 'eq', field, value });
    rest = rest.slice(m[0].length);
    if (rest === '') return { text: text.trim(), terms };
    const and = /^and\s+/.exec(rest);
    if (!and) throw new ArgumentError(`lsl query "${text}": expected 'and' before "${rest.slice(0, 30)}"`);
    rest = rest.slice(and[0].length);
  }
}

/** Whether the info satisfies the query (a string is parsed first). XPath's `=` compares numbers numerically. */
export function matchesQuery(info: StreamInfo, query: StreamQuery | string): boolean {
  const q = typeof query === 'string' ? parseQuery(query) : query;
  return q.terms.every((t) => {
    const v = FIELDS[t.field]!(info);
    if (t.op === 'starts-with') return String(v).startsWith(String(t.value));
    if (typeof t.value === 'number') return Number(v) === t.value;
    return String(v) === t.value;
  });
}

/** Quotes a literal for a query; XPath 1.0 has no escapes, so a value holding both quote kinds is refused. */
export function queryLiteral(v: string): string {
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"')) return `"${v}"`;
  throw new ArgumentError(`lsl query: value ${JSON.stringify(v)} holds both quote characters`);
}

/** The query for the given fields (undefined ones skipped), e.g. name='EEG' and type='EEG'. */
export function buildQuery(fields: { name?: string | undefined; type?: string | undefined; source_id?: string | undefined; uid?: string | undefined }): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${queryLiteral(v!)}`)
    .join(' and ');
}
