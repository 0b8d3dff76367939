import {
  HEADER_BYTES,
  INPUT_FRAME_BYTES,
  MessageType,
  PROTOCOL_VERSION,
  type HandInput,
  type InputMessage,
  type Pose,
} from './messages';

const U32_MAX = 0xffffffff;

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
  checkU32('tick', message.tick);
  checkU32('seq', message.seq);
  // A caller that encodes every frame passes a DataView so nothing is allocated.
  const view = target instanceof DataView ? target : new DataView(target);
  view.setUint8(0, PROTOCOL_VERSION);
  view.setUint8(1, MessageType.Input);
  view.setUint16(2, 0, true);
  view.setUint32(4, message.tick, true);
  view.setUint32(8, message.seq, true);
  let offset = HEADER_BYTES;
  offset = writePose(view, offset, message.head, 'head');
  offset = writeHand(view, offset, message.left, 'left hand', 'left hand buttons');
  writeHand(view, offset, message.right, 'right hand', 'right hand buttons');
  return view.buffer as ArrayBuffer;
}

function writeHand(view: DataView, offset: number, hand: HandInput, what: string, buttonsWhat: string): number {
  const next = writePose(view, offset, hand, what);
  checkU32(buttonsWhat, hand.buttons);
  view.setUint32(next, hand.buttons, true);
  return next + 4;
}

function writePose(view: DataView, offset: number, pose: Pose, what: string): number {
  const p = pose.position;
  const q = pose.orientation;
  writeF32(view, offset, p.x, what);
  writeF32(view, offset + 4, p.y, what);
  writeF32(view, offset + 8, p.z, what);
  writeF32(view, offset + 12, q.x, what);
  writeF32(view, offset + 16, q.y, what);
  writeF32(view, offset + 20, q.z, what);
  writeF32(view, offset + 24, q.w, what);
  return offset + 28;
}

function writeF32(view: DataView, offset: number, value: number, what: string): void {
  // A finite double can still overflow f32 to infinity.
  if (!Number.isFinite(Math.fround(value))) {
    throw new Error(`INPUT ${what} has a number that is not a finite f32: ${value}`);
  }
  view.setFloat32(offset, value, true);
}

function checkU32(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new Error(`INPUT ${what} must be an integer in [0, ${U32_MAX}], got ${value}`);
  }
}
