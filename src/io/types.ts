// What every neural-recording reader returns: a header with per-channel metadata and
// annotations, and lazy access to the samples in SI units (volts for voltage channels), so a
// time span and a channel subset can be read without decoding the whole file.

export type ChannelType = 'eeg' | 'eog' | 'emg' | 'ecg' | 'stim' | 'resp' | 'misc' | 'bio' | 'seeg' | 'ecog' | 'temperature' | 'gsr';

export interface ChannelInfo {
  /** Label as stored (trimmed). */
  name: string;
  /** Best guess from the label/transducer, as MNE would type it ('eeg' by default). */
  type: ChannelType;
  /** Physical dimension as stored in the file ('uV', 'mV', 'V', ...). */
  unit: string;
  /** Factor from the stored physical unit to SI (1e-6 for µV); 1 when not a known unit. */
  unitScale: number;
  /** Samples per second of this channel. */
  sfreq: number;
  /** Total samples of this channel in the file. */
  nSamples: number;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  transducer: string;
  prefilter: string;
}

export interface Annotation {
  /** Seconds from the start of the recording. */
  onset: number;
  /** Seconds (0 when the file gives none). */
  duration: number;
  description: string;
}

export interface RecordingHeader {
  /** e.g. 'EDF', 'EDF+C', 'EDF+D', 'BDF', 'BDF+C', 'GDF 1.25', 'GDF 2.20'. */
  format: string;
  /** File name or '<bytes>', used in error messages. */
  source: string;
  /** Recording start (UTC as stored; sub-second part included where the file has one). */
  startTime: Date | null;
  patient: string;
  recording: string;
  /** Data records and their duration in seconds (EDF/BDF/GDF block structure). */
  nRecords: number;
  recordDuration: number;
  /** Signal channels only (annotation channels are parsed into `annotations`). */
  channels: ChannelInfo[];
  annotations: Annotation[];
  /** Total duration in seconds. */
  duration: number;
}

export interface ReadOptions {
  /** First sample (at each channel's own rate, in seconds) to read; default 0. */
  tmin?: number;
  /** End time in seconds (exclusive); default the end of the recording. */
  tmax?: number;
  /** Channel names or indices; default all signal channels. */
  picks?: readonly (string | number)[];
}

/** A parsed recording with lazy sample access. */
export interface Recording {
  readonly header: RecordingHeader;
  /** Samples in SI units, one Float64Array per picked channel. */
  read(opts?: ReadOptions): Float64Array[];
}
