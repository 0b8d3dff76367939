// The byte writers the client frames share (INPUT, STREAMS): the header,
// poses, hands and the checks that keep the server from closing the
// connection over a number it cannot read.

import { HEADER_BYTES, PROTOCOL_VERSION, type HandInput, type Pose } from './messages';

const U32_MAX = 0xffffffff;

/** Writes the 12-byte header; `frame` names the message in errors ("INPUT"). */
export function writeHeader(view: DataView, type: number, tick: number, seq: number, frame: string): number {
  checkU32(frame, 'tick', tick);
  checkU32(frame, 'seq', seq);
  view.setUint8(0, PROTOCOL_VERSION);
  view.setUint8(1, type);
  view.setUint16(2, 0, true);
  view.setUint32(4, tick, true);
  view.setUint32(8, seq, true);
  return HEADER_BYTES;
}

/** Position then quaternion (x, y, z, w), seven f32; returns the next offset. */
export function writePose(view: DataView, offset: number, pose: Pose, frame: string, what: string): number {
  const p = pose.position;
  const q = pose.orientation;
  [p.x, p.y, p.z, q.x, q.y, q.z, q.w].forEach((value, i) => writeF32(view, offset + 4 * i, value, frame, what));
  return offset + 28;
}

/** A hand's pose and its u32 buttons; returns the next offset. */
export function writeHand(view: DataView, offset: number, hand: HandInput, frame: string, what: string): number {
  const next = writePose(view, offset, hand, frame, what);
  checkU32(frame, `${what} buttons`, hand.buttons);
  view.setUint32(next, hand.buttons, true);
  return next + 4;
}

export function writeF32(view: DataView, offset: number, value: number, frame: string, what: string): void {
  // A finite double can still overflow f32 to infinity.
  if (!Number.isFinite(Math.fround(value))) {
    throw new Error(`${frame} ${what} has a number that is not a finite f32: ${value}`);
  }
  view.setFloat32(offset, value, true);
}

export function checkU32(frame: string, what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new Error(`${frame} ${what} must be an integer in [0, ${U32_MAX}], got ${value}`);
  }
}
