export * from './messages';
export { encodeInput } from './encode-input';
export { decodeServerFrame } from './decode-server-frame';
