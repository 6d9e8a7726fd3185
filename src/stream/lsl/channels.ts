// Channel metadata in a stream's <desc>, in the layout of the XDF/LSL meta-data conventions
// (desc/channels/channel/{label,unit,type}) that LSL apps such as LabRecorder and the
// BrainVision/OpenBCI connectors write: it is how an inlet learns the channel labels a decoder
// needs to pick its inputs.
import { FormatError } from '../../errors.js';
import { parseXml, xmlEscape } from './xml.js';

export interface ChannelMeta {
  label: string;
  unit?: string;
  type?: string;
}

/** The inner XML of <desc> listing the channels. */
export function channelsDesc(channels: readonly ChannelMeta[]): string {
  const one = (c: ChannelMeta) => `<channel><label>${xmlEscape(c.label)}</label>${c.unit ? `<unit>${xmlEscape(c.unit)}</unit>` : ''}${c.type ? `<type>${xmlEscape(c.type)}</type>` : ''}</channel>`;
  return `<channels>${channels.map(one).join('')}</channels>`;
}

/** The channel labels of a desc (inner XML), or null when it lists none; a count that disagrees with the stream is a FormatError. */
export function channelLabels(desc: string, channelCount: number, what = 'lsl stream desc'): string[] | null {
  if (!desc.trim()) return null;
  const root = parseXml(`<desc>${desc}</desc>`, what);
  const list = root.children.find((c) => c.name === 'channels');
  if (!list) return null;
  const labels = list.children.filter((c) => c.name === 'channel').map((c) => c.children.find((x) => x.name === 'label')?.text.trim() ?? '');
  if (labels.length !== channelCount) throw new FormatError(`${what}: <channels> lists ${labels.length} channels, the stream has ${channelCount}`);
  return labels;
}
