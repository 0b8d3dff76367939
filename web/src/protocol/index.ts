export * from './messages';
export { encodeInput } from './encode-input';
export { encodeAction, encodeControl } from './encode-json';
export { decodeServerFrame } from './decode-server-frame';
