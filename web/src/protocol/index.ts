export * from './messages';
export { encodeInput } from './encode-input';
export { encodeStreams } from './encode-streams';
export { encodeAction, encodeControl } from './encode-json';
export { decodeServerFrame } from './decode-server-frame';
