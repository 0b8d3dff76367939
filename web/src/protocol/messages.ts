// Message shapes and sizes of the binary WebSocket protocol, version 2
// (docs/protocol.md). Only files in this folder know the byte layout.

export const PROTOCOL_VERSION = 2;

export const MessageType = {
  Input: 0x01,
  Action: 0x02,
  Control: 0x03,
  Streams: 0x04,
  Keyframe: 0x10,
  Snapshot: 0x11,
  Events: 0x12,
  Reply: 0x13,
  Mesh: 0x14,
} as const;

export const HEADER_BYTES = 12;
export const INPUT_BODY_BYTES = 92;
export const INPUT_FRAME_BYTES = HEADER_BYTES + INPUT_BODY_BYTES;
/** STREAMS (the versioned input message): its own version, its stream ids. */
export const STREAMS_VERSION = 1;
export const StreamId = {
  Head: 1,
  Hands: 2,
  HandJoints: 3,
  AudioEnvelope: 4,
  ClientTime: 5,
} as const;
/** Tracked hand joints, in WebXR XRHand order (wrist ... pinky tip). */
export const HAND_JOINTS = 25;
export const KEYFRAME_FIXED_BYTES = 12; // ack, participant, count
export const KEYFRAME_RECORD_BYTES = 52;
export const SNAPSHOT_FIXED_BYTES = 8; // ack, count
export const SNAPSHOT_RECORD_BYTES = 32;
/** A mesh record's fixed part, before its name (KEYFRAME, MESH). */
export const MESH_FIXED_BYTES = 60;
/** A camera record's fixed part, before its name (KEYFRAME). */
export const CAMERA_FIXED_BYTES = 40;
/** A moved vertex in a SNAPSHOT: u32 index, u16 x3. */
export const VERTEX_DELTA_BYTES = 10;
/** SNAPSHOT's closing hand forces: u32 flags, f32 left, f32 right. */
export const HAND_FORCES_BYTES = 12;
export const NAME_MAX_BYTES = 255;
export const MESH_MAX_VERTICES = 1 << 20;
export const MESH_MAX_TRIANGLES = 1 << 21;
/** Positions are quantised to 0..65535 inside a mesh's bounds. */
export const QUANTUM_STEPS = 65535;
export const EVENTS_FIXED_BYTES = 4; // ack, then UTF-8 JSON
/** ACTION and CONTROL bodies are UTF-8 JSON of 2 to 4096 bytes. */
export const JSON_BODY_MIN_BYTES = 2;
export const JSON_BODY_MAX_BYTES = 4096;
/** The longest cue or observation text a CONTROL may carry (the server counts UTF-8 bytes). */
export const CONTROL_TEXT_MAX_CHARS = 2000;

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

/** A tracked hand joint: its pose and the finger's radius there (m). */
export interface HandJoint extends Pose {
  radius: number;
}

/**
 * A STREAMS message: head and hands as INPUT carries them, plus the optional
 * streams the session's module declares (GET /api/modules, `inputs`).
 */
export interface StreamsMessage extends InputMessage {
  /** HAND_JOINTS joints per tracked hand. */
  leftJoints?: HandJoint[];
  rightJoints?: HandJoint[];
  /** RMS level of the microphone over the frame, 0..1. */
  audioLevel?: number;
  /** The client's monotonic clock (performance.now()), ms. */
  clientTimeMs?: number;
}

export type BodyShape =
  | { kind: 'box'; halfExtents: Vec3 }
  | { kind: 'sphere'; radius: number }
  /** Segment along local +Y of length 2 * halfLength, rounded by `radius`. */
  | { kind: 'capsule'; radius: number; halfLength: number }
  /** Axis along local +Y. */
  | { kind: 'cylinder'; radius: number; halfHeight: number }
  /** Equilateral triangle of side 2 * halfSide in local XZ, extruded along Y. */
  | { kind: 'prism'; halfSide: number; halfHeight: number };

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

/** Linear RGBA, 0..1. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** A deformable surface's topology and quantised positions (KEYFRAME, MESH). */
export interface MeshTopology {
  id: number;
  /** Increases when the mesh is cut; snapshot deltas name the version they index. */
  topologyVersion: number;
  name: string;
  colour: Rgba;
  /** The quantisation box: q = 0 is `boundsMin`, q = 65535 is `boundsMax`, per axis. */
  boundsMin: Vec3;
  boundsMax: Vec3;
  vertexCount: number;
  /** x, y, z per vertex, 0..65535. */
  quantised: Uint16Array;
  /** Three vertex indices per triangle. */
  triangles: Uint32Array;
}

/** A viewpoint the module offers (the laparoscope): looks along local -Z, +Y up. */
export interface CameraView {
  id: number;
  name: string;
  position: Vec3;
  orientation: Quat;
  /** Radians. */
  verticalFov: number;
}

/** The vertices of one mesh that moved (SNAPSHOT). */
export interface MeshDelta {
  id: number;
  topologyVersion: number;
  count: number;
  /** Strictly increasing vertex indices. */
  vertices: Uint32Array;
  /** x, y, z per listed vertex, 0..65535. */
  quantised: Uint16Array;
}

/** Contact force in newtons on the instruments in the participant's hands. */
export interface HandForces {
  leftN: number;
  rightN: number;
}

export interface KeyframeMessage {
  type: 'keyframe';
  tick: number;
  seq: number;
  /** Seq of this client's last input that the server applied and stored. */
  ack: number;
  participant: number;
  bodies: KeyframeBody[];
  meshes: MeshTopology[];
  cameras: CameraView[];
}

export interface SnapshotMessage {
  type: 'snapshot';
  tick: number;
  seq: number;
  ack: number;
  updates: BodyUpdate[];
  meshes: MeshDelta[];
  /** Null when this participant holds no instruments. */
  forces: HandForces | null;
}

/** A mesh's new topology after a cut. */
export interface MeshMessage {
  type: 'mesh';
  tick: number;
  seq: number;
  mesh: MeshTopology;
}

/** A JSON object as it arrives or leaves in a JSON body. */
export type JsonObject = { [key: string]: unknown };

/** One entry of the session log (docs/events.md), as an EVENTS frame carries it. */
export interface SessionEvent {
  seq: number;
  tick: number;
  type: string;
  payload: JsonObject;
}

export interface EventsMessage {
  type: 'events';
  tick: number;
  seq: number;
  /** Seq of this client's last input that the server applied and stored. */
  ack: number;
  /** Oldest first. */
  events: SessionEvent[];
}

/** The server's answer to one ACTION or CONTROL frame. */
export interface ReplyMessage {
  type: 'reply';
  tick: number;
  seq: number;
  /** Seq of the client frame this answers. */
  ref: number;
  /** Accepted: an action queued for the next tick, a control queued or stored. */
  ok: boolean;
  /** When refused: `invalid_input`, `forbidden` or `conflict` (others are passed through). */
  code?: string;
  error?: string;
}

export type ServerMessage = KeyframeMessage | SnapshotMessage | EventsMessage | ReplyMessage | MeshMessage;

/** An ACTION body: a team action for the session's clinical module. */
export interface ActionRequest {
  name: string;
  params?: JsonObject;
}

export type ControlName = 'pause' | 'resume' | 'cue' | 'observation';

/** A CONTROL body: an instructor's control; `text` only for `cue` and `observation`. */
export interface ControlRequest {
  control: ControlName;
  text?: string;
}
