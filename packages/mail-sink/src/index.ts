export { startMailSink, type MailSink, type MailSinkOptions } from './mail-sink';
export type { SinkMessage } from './sink-message';
