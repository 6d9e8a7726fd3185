// LSL stream info: the description an outlet publishes (name, type, channel layout, rate, ports)
// and its XML form, written the way liblsl's pugixml output looks (tab-indented, fixed element
// order) and parsed with liblsl's validity rules (read_xml in stream_info_impl.cpp).
import { ArgumentError, FormatError } from '../../errors.js';
import { parseXml, XmlElement, xmlEscape, xmlInner } from './xml.js';

/** LSL channel formats dendrite transports ('undefined', ordinal 0, is refused). */
export type ChannelFormat = 'float32' | 'double64' | 'string' | 'int32' | 'int16' | 'int8' | 'int64';

/** liblsl's channel_format_t names, by ordinal (cft_undefined = 0 ... cft_int64 = 7). */
export const CHANNEL_FORMAT_NAMES = ['undefined', 'float32', 'double64', 'string', 'int32', 'int16', 'int8', 'int64'] as const;

/**
 * Bytes per value on the wire. Strings are length-prefixed; 32 is sizeof(std::string) on a 64-bit
 * liblsl outlet, which is what its Value-Size check expects from a client.
 */
export const CHANNEL_BYTES: Readonly<Record<ChannelFormat, number>> = {
  float32: 4, double64: 8, string: 32, int32: 4, int16: 2, int8: 1, int64: 8,
};

/** The LSL protocol version dendrite speaks (1.10), as liblsl stores it (x100). */
export const LSL_PROTOCOL_VERSION = 110;

/** A stream's description, with liblsl's fields in camelCase. */
export interface StreamInfo {
  name: string;
  type: string;
  channelCount: number;
  channelFormat: ChannelFormat;
  sourceId: string;
  /** Samples per second; 0 = irregular rate. */
  nominalSrate: number;
  /** Protocol version x100 (110). */
  version: number;
  /** Outlet clock (seconds) when the stream was created. */
  createdAt: number;
  uid: string;
  sessionId: string;
  hostname: string;
  v4address: string;
  v4dataPort: number;
  v4servicePort: number;
  v6address: string;
  v6dataPort: number;
  v6servicePort: number;
  /** The inner XML of <desc> (channel labels, units ...), '' when empty. Sent only in fullinfo. */
  desc: string;
}

/** What a caller gives to describe a new stream; the rest is filled in. */
export interface StreamInfoInit {
  name: string;
  channelCount: number;
  type?: string;
  channelFormat?: ChannelFormat;
  nominalSrate?: number;
  sourceId?: string;
  uid?: string;
  sessionId?: string;
  hostname?: string;
  createdAt?: number;
  desc?: string;
}

/** A random RFC 4122 v4 uid (crypto.randomUUID where available). */
export function randomUid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const h = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16));
  h[12] = '4';
  h[16] = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** A complete StreamInfo from a caller's description, validated (ArgumentError names the field). */
export function createStreamInfo(init: StreamInfoInit): StreamInfo {
  const info: StreamInfo = {
    name: init.name,
    type: init.type ?? '',
    channelCount: init.channelCount,
    channelFormat: init.channelFormat ?? 'float32',
    sourceId: init.sourceId ?? '',
    nominalSrate: init.nominalSrate ?? 0,
    version: LSL_PROTOCOL_VERSION,
    createdAt: init.createdAt ?? 0,
    uid: init.uid ?? randomUid(),
    sessionId: init.sessionId ?? 'default',
    hostname: init.hostname ?? '',
    v4address: '', v4dataPort: 0, v4servicePort: 0,
    v6address: '', v6dataPort: 0, v6servicePort: 0,
    desc: init.desc ?? '',
  };
  const bad = infoProblem(info);
  if (bad) throw new ArgumentError(`lsl stream info: ${bad}`);
  return info;
}

/** The first rule the info breaks (liblsl's read_xml checks, plus channels >= 1 to carry data), or ''. */
export function infoProblem(info: StreamInfo): string {
  if (!info.name) return 'name is empty';
  if (!Number.isInteger(info.channelCount) || info.channelCount < 1 || info.channelCount > 1 << 20) {
    return `channel_count ${info.channelCount} is not an integer in [1, 1048576]`;
  }
  if (!(CHANNEL_FORMAT_NAMES as readonly string[]).includes(info.channelFormat) || info.channelFormat === ('undefined' as string)) {
    return `channel_format '${info.channelFormat}' is not one of ${CHANNEL_FORMAT_NAMES.slice(1).join(', ')}`;
  }
  if (!Number.isFinite(info.nominalSrate) || info.nominalSrate < 0) return `nominal_srate ${info.nominalSrate} is not a finite number >= 0`;
  if (!(info.version > 0)) return `version ${info.version} is not > 0`;
  if (!info.uid) return 'uid is empty';
  for (const k of ['v4dataPort', 'v4servicePort', 'v6dataPort', 'v6servicePort'] as const) {
    const p = info[k];
    if (!Number.isInteger(p) || p < 0 || p > 65535) return `${k} ${p} is not a port in 0..65535`;
  }
  return '';
}

/** Numbers as liblsl writes them into the XML: 16 significant digits, fixed where it fits. */
function num(x: number): string {
  return x.toPrecision(16);
}

const el = (tag: string, text: string) => (text === '' ? `\t<${tag} />` : `\t<${tag}>${xmlEscape(text)}</${tag}>`);

/**
 * The info as XML: shortinfo (what discovery replies carry) or, with `full`, the desc too
 * (fullinfo). Element order and layout follow liblsl.
 */
export function writeInfoXml(info: StreamInfo, opts: { full?: boolean } = {}): string {
  const lines = [
    '<?xml version="1.0"?>',
    '<info>',
    el('name', info.name),
    el('type', info.type),
    el('channel_count', String(info.channelCount)),
    el('channel_format', info.channelFormat),
    el('source_id', info.sourceId),
    el('nominal_srate', num(info.nominalSrate)),
    el('version', num(info.version / 100)),
    el('created_at', num(info.createdAt)),
    el('uid', info.uid),
    el('session_id', info.sessionId),
    el('hostname', info.hostname),
    el('v4address', info.v4address),
    el('v4data_port', String(info.v4dataPort)),
    el('v4service_port', String(info.v4servicePort)),
    el('v6address', info.v6address),
    el('v6data_port', String(info.v6dataPort)),
    el('v6service_port', String(info.v6servicePort)),
    opts.full && info.desc ? `\t<desc>${info.desc}</desc>` : '\t<desc />',
    '</info>',
  ];
  return lines.join('\n') + '\n';
}

/** Parses a shortinfo/fullinfo XML document; an invalid info -> FormatError naming `what` and the field. */
export function parseInfoXml(xml: string, what = 'lsl stream info'): StreamInfo {
  const root = parseXml(xml, what);
  if (root.name !== 'info') throw new FormatError(`${what}: root element is <${root.name}>, expected <info>`);
  const child = (tag: string): XmlElement | undefined => root.children.find((c) => c.name === tag);
  const text = (tag: string): string => child(tag)?.text.trim() ?? '';
  const number = (tag: string, fallback?: number): number => {
    const t = text(tag);
    if (t === '') {
      if (fallback !== undefined) return fallback;
      throw new FormatError(`${what}: <${tag}> is missing`);
    }
    const v = Number(t);
    if (!Number.isFinite(v)) throw new FormatError(`${what}: <${tag}> '${t.slice(0, 40)}' is not a number`);
    return v;
  };
  const format = text('channel_format');
  const info: StreamInfo = {
    name: text('name'),
    type: text('type'),
    channelCount: number('channel_count'),
    channelFormat: format as ChannelFormat,
    sourceId: text('source_id'),
    nominalSrate: number('nominal_srate'),
    version: Math.round(number('version') * 100),
    createdAt: number('created_at', 0),
    uid: text('uid'),
    sessionId: text('session_id'),
    hostname: text('hostname'),
    v4address: text('v4address'),
    v4dataPort: number('v4data_port', 0),
    v4servicePort: number('v4service_port', 0),
    v6address: text('v6address'),
    v6dataPort: number('v6data_port', 0),
    v6servicePort: number('v6service_port', 0),
    desc: (() => {
      const d = child('desc');
      return d ? xmlInner(xml, d) : '';
    })(),
  };
  const bad = infoProblem(info);
  if (bad) throw new FormatError(`${what}: ${bad}`);
  return info;
}
