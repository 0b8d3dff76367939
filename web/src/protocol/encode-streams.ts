import { HAND_JOINTS, HEADER_BYTES, MessageType, STREAMS_VERSION, StreamId, type HandJoint, type StreamsMessage } from './messages';
import { writeF32, writeHand, writeHeader, writePose } from './write-frame';

const F = 'STREAMS';
const POSE_BYTES = 28;
const HANDS_BYTES = 2 * (POSE_BYTES + 4);
const JOINTS_BYTES = 4 + HAND_JOINTS * (POSE_BYTES + 4);
const RECORD_HEADER_BYTES = 4;

/**
 * Writes a STREAMS frame (docs/protocol.md, 0x04): head and hands, then the
 * optional streams the message holds. Throws if a value cannot be sent (the
 * server would close the connection).
 */
export function encodeStreams(message: StreamsMessage): ArrayBuffer {
  const joints: [number, HandJoint[]][] = [];
  if (message.leftJoints) joints.push([0, message.leftJoints]);
  if (message.rightJoints) joints.push([1, message.rightJoints]);
  const records = 2 + joints.length + (message.audioLevel === undefined ? 0 : 1) + (message.clientTimeMs === undefined ? 0 : 1);
  const bytes =
    HEADER_BYTES +
    4 +
    RECORD_HEADER_BYTES * records +
    POSE_BYTES +
    HANDS_BYTES +
    joints.length * JOINTS_BYTES +
    (message.audioLevel === undefined ? 0 : 4) +
    (message.clientTimeMs === undefined ? 0 : 8);
  const view = new DataView(new ArrayBuffer(bytes));
  let at = writeHeader(view, MessageType.Streams, message.tick, message.seq, F);
  view.setUint8(at, STREAMS_VERSION);
  view.setUint8(at + 1, records);
  view.setUint16(at + 2, 0, true);
  at += 4;
  const record = (id: number, length: number): void => {
    view.setUint8(at, id);
    view.setUint8(at + 1, 0);
    view.setUint16(at + 2, length, true);
    at += RECORD_HEADER_BYTES;
  };
  record(StreamId.Head, POSE_BYTES);
  at = writePose(view, at, message.head, F, 'head');
  record(StreamId.Hands, HANDS_BYTES);
  at = writeHand(view, at, message.left, F, 'left hand');
  at = writeHand(view, at, message.right, F, 'right hand');
  for (const [hand, list] of joints) {
    if (list.length !== HAND_JOINTS) throw new Error(`STREAMS hand joints: ${HAND_JOINTS} per hand, got ${list.length}`);
    record(StreamId.HandJoints, JOINTS_BYTES);
    view.setUint8(at, hand);
    view.setUint8(at + 1, HAND_JOINTS);
    view.setUint16(at + 2, 0, true);
    at += 4;
    for (const joint of list) {
      at = writePose(view, at, joint, F, 'hand joint');
      if (!(joint.radius >= 0 && joint.radius <= 0.1)) throw new Error(`STREAMS hand joint radius must be 0 to 0.1 m, got ${joint.radius}`);
      writeF32(view, at, joint.radius, F, 'hand joint radius');
      at += 4;
    }
  }
  if (message.audioLevel !== undefined) {
    if (!(message.audioLevel >= 0 && message.audioLevel <= 1)) throw new Error(`STREAMS audio level must be 0 to 1, got ${message.audioLevel}`);
    record(StreamId.AudioEnvelope, 4);
    view.setFloat32(at, message.audioLevel, true);
    at += 4;
  }
  if (message.clientTimeMs !== undefined) {
    if (!Number.isFinite(message.clientTimeMs)) throw new Error(`STREAMS client time must be finite, got ${message.clientTimeMs}`);
    record(StreamId.ClientTime, 8);
    view.setFloat64(at, message.clientTimeMs, true);
    at += 8;
  }
  return view.buffer;
}
