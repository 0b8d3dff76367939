// Message shapes and sizes of the binary WebSocket protocol, version 1
// (docs/protocol.md). Only files in this folder know the byte layout.

export const PROTOCOL_VERSION = 1;

export const MessageType = {
  Input: 0x01,
  Keyframe: 0x10,
  Snapshot: 0x11,
} as const;

export const HEADER_BYTES = 12;
export const INPUT_BODY_BYTES = 92;
export const INPUT_FRAME_BYTES = HEADER_BYTES + INPUT_BODY_BYTES;
export const KEYFRAME_FIXED_BYTES = 12; // ack, participant, count
export const KEYFRAME_RECORD_BYTES = 52;
export const SNAPSHOT_FIXED_BYTES = 8; // ack, count
export const SNAPSHOT_RECORD_BYTES = 32;

export const Button = {
  Trigger: 1 << 0,
  Grip: 1 << 1,
} as const;

export interface Vec3 {
  x: number;
  y: number;
  z: number;
}

/** Quaternion (x, y, z, w). */
export interface Quat {
  x: number;
  y: number;
  z: number;
  w: number;
}

export interface Pose {
  position: Vec3;
  orientation: Quat;
}

export interface HandInput extends Pose {
  /** Bit set of `Button` values. */
  buttons: number;
}

export interface InputMessage {
  /** Last session tick this client saw. */
  tick: number;
  /** This client's message counter, starting at 1. */
  seq: number;
  head: Pose;
  left: HandInput;
  right: HandInput;
}

export type BodyShape =
  | { kind: 'box'; halfExtents: Vec3 }
  | { kind: 'sphere'; radius: number };

export interface KeyframeBody {
  id: number;
  shape: BodyShape;
  /** 0xRRGGBBAA */
  color: number;
  position: Vec3;
  orientation: Quat;
}

export interface BodyUpdate {
  id: number;
  position: Vec3;
  orientation: Quat;
}

export interface KeyframeMessage {
  type: 'keyframe';
  tick: number;
  seq: number;
  /** Seq of this client's last input that the server applied and stored. */
  ack: number;
  participant: number;
  bodies: KeyframeBody[];
}

export interface SnapshotMessage {
  type: 'snapshot';
  tick: number;
  seq: number;
  ack: number;
  updates: BodyUpdate[];
}

export type ServerMessage = KeyframeMessage | SnapshotMessage;
