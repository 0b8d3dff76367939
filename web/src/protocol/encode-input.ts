import { INPUT_FRAME_BYTES, MessageType, type InputMessage } from './messages';
import { writeHand, writeHeader, writePose } from './write-frame';

/**
 * Writes an INPUT frame (104 bytes). Pass `target` (a 104-byte buffer or a
 * view of one) to reuse it every frame; its buffer is returned.
 * Throws if a number cannot be sent (the server would close the connection).
 */
export function encodeInput(
  message: InputMessage,
  target: ArrayBuffer | DataView = new ArrayBuffer(INPUT_FRAME_BYTES),
): ArrayBuffer {
  if (target.byteLength !== INPUT_FRAME_BYTES) {
    throw new Error(`INPUT buffer must be ${INPUT_FRAME_BYTES} bytes, got ${target.byteLength}`);
  }
  // A caller that encodes every frame passes a DataView so nothing is allocated.
  const view = target instanceof DataView ? target : new DataView(target);
  let offset = writeHeader(view, MessageType.Input, message.tick, message.seq, 'INPUT');
  offset = writePose(view, offset, message.head, 'INPUT', 'head');
  offset = writeHand(view, offset, message.left, 'INPUT', 'left hand');
  writeHand(view, offset, message.right, 'INPUT', 'right hand');
  return view.buffer as ArrayBuffer;
}
