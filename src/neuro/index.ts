export { Annotations } from './annotations.js';
export { Raw, type RawInfo, type Picks } from './raw.js';
export { eventsFromAnnotations, type Event, type EventsFromAnnotations } from './events.js';
export { Epochs, type EpochsOptions } from './epochs.js';
export { WindowsDataset, createWindowsFromEvents, createFixedLengthWindows, type WindowSpec, type TrialWindowOptions, type FixedWindowOptions } from './windows.js';
