export { startStore, type RunningStore, type RunningService, type StoreUrls } from './start-store';
export { dropStore } from './drop-store';
export type { StoreOptions } from './store-options';
export type { MailSink } from './mail-sink';
