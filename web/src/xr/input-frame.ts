import { Quaternion, Vector3, type Camera, type Object3D } from 'three';
import { Button, encodeInput, INPUT_FRAME_BYTES, type InputMessage } from '../protocol';
import type { ClientSeq } from './client-seq';
import type { DesktopHand } from './desktop-hand';
import { isTracked, type TrackedHand } from './tracked-hands';

// The left hand rests out of the way, off the table's near edge.
const LEFT_HAND_REST = { x: -0.3, y: 1.0, z: 0.1 } as const;

/** One INPUT message and its 104-byte buffer, rewritten in place every frame. */
export interface InputFrame {
  message: InputMessage;
  view: DataView;
  /** Encodes `message` with a seq; made once, so sending a frame allocates nothing. */
  encode: (seq: number) => ArrayBuffer;
}

export function createInputFrame(): InputFrame {
  const identity = (): InputMessage['head']['orientation'] => ({ x: 0, y: 0, z: 0, w: 1 });
  const frame: InputFrame = {
    message: {
      tick: 0,
      seq: 0,
      head: { position: { x: 0, y: 0, z: 0 }, orientation: identity() },
      left: { position: { ...LEFT_HAND_REST }, orientation: identity(), buttons: 0 },
      right: { position: { x: 0, y: 0, z: 0 }, orientation: identity(), buttons: 0 },
    },
    view: new DataView(new ArrayBuffer(INPUT_FRAME_BYTES)),
    encode: (seq) => {
      frame.message.seq = seq;
      return encodeInput(frame.message, frame.view);
    },
  };
  return frame;
}

const headPosition = new Vector3();
const headOrientation = new Quaternion();

/**
 * Fills the next INPUT from the camera (head) and the desktop hand, and
 * encodes it with the next number of the client's seq counter.
 */
export function writeInputFrame(
  frame: InputFrame,
  seq: ClientSeq,
  tick: number,
  camera: Camera,
  hand: DesktopHand,
): ArrayBuffer {
  const m = frame.message;
  m.tick = tick;
  camera.getWorldPosition(headPosition);
  camera.getWorldQuaternion(headOrientation);
  copyVec3(m.head.position, headPosition);
  copyQuat(m.head.orientation, headOrientation);
  copyVec3(m.right.position, hand.position);
  m.right.buttons = hand.grip ? Button.Grip : 0;
  return seq.next(frame.encode);
}

const handPosition = new Vector3();
const handOrientation = new Quaternion();

/**
 * Fills the next INPUT from the headset: the head from the XR camera, each
 * hand from its grip space, in world coordinates. A hand that is not
 * tracked this frame keeps its last pose (the server sees it hold still)
 * and sends no buttons.
 */
export function writeXrInputFrame(
  frame: InputFrame,
  seq: ClientSeq,
  tick: number,
  head: Object3D,
  left: TrackedHand,
  right: TrackedHand,
): ArrayBuffer {
  const m = frame.message;
  m.tick = tick;
  head.getWorldPosition(headPosition);
  head.getWorldQuaternion(headOrientation);
  copyVec3(m.head.position, headPosition);
  copyQuat(m.head.orientation, headOrientation);
  writeHand(m.left, left);
  writeHand(m.right, right);
  return seq.next(frame.encode);
}

function writeHand(to: InputMessage['left'], hand: TrackedHand): void {
  if (!isTracked(hand)) {
    to.buttons = 0;
    return;
  }
  hand.grip.getWorldPosition(handPosition);
  hand.grip.getWorldQuaternion(handOrientation);
  copyVec3(to.position, handPosition);
  copyQuat(to.orientation, handOrientation);
  to.buttons = (hand.trigger ? Button.Trigger : 0) | (hand.squeeze ? Button.Grip : 0);
}

function copyVec3(to: { x: number; y: number; z: number }, from: Vector3): void {
  to.x = from.x;
  to.y = from.y;
  to.z = from.z;
}

function copyQuat(to: { x: number; y: number; z: number; w: number }, from: Quaternion): void {
  to.x = from.x;
  to.y = from.y;
  to.z = from.z;
  to.w = from.w;
}
