import {
  HEADER_BYTES,
  KEYFRAME_FIXED_BYTES,
  KEYFRAME_RECORD_BYTES,
  EVENTS_FIXED_BYTES,
  MessageType,
  PROTOCOL_VERSION,
  SNAPSHOT_FIXED_BYTES,
  SNAPSHOT_RECORD_BYTES,
  type BodyShape,
  type BodyUpdate,
  type EventsMessage,
  type JsonObject,
  type KeyframeBody,
  type KeyframeMessage,
  type Quat,
  type ReplyMessage,
  type ServerMessage,
  type SessionEvent,
  type SnapshotMessage,
  type Vec3,
} from './messages';

interface Header {
  type: number;
  tick: number;
  seq: number;
}

/**
 * Decodes one binary frame sent by the server. Throws an Error whose message
 * says what is wrong when the frame does not follow docs/protocol.md.
 */
export function decodeServerFrame(frame: ArrayBuffer | ArrayBufferView): ServerMessage {
  const view = asDataView(frame);
  const header = readHeader(view);
  switch (header.type) {
    case MessageType.Keyframe:
      return readKeyframe(view, header);
    case MessageType.Snapshot:
      return readSnapshot(view, header);
    case MessageType.Events:
      return readEvents(view, header);
    case MessageType.Reply:
      return readReply(view, header);
    default:
      throw new Error(`unknown server message type 0x${hex2(header.type)}`);
  }
}

function asDataView(frame: ArrayBuffer | ArrayBufferView): DataView {
  if (frame instanceof ArrayBuffer) return new DataView(frame);
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
}

function readHeader(view: DataView): Header {
  if (view.byteLength < HEADER_BYTES) {
    throw new Error(`frame of ${view.byteLength} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  }
  const version = view.getUint8(0);
  if (version !== PROTOCOL_VERSION) {
    throw new Error(`unsupported protocol version ${version} (expected ${PROTOCOL_VERSION})`);
  }
  const flags = view.getUint16(2, true);
  if (flags !== 0) {
    throw new Error(`header flags must be 0, got 0x${flags.toString(16)}`);
  }
  return {
    type: view.getUint8(1),
    tick: view.getUint32(4, true),
    seq: view.getUint32(8, true),
  };
}

function readKeyframe(view: DataView, header: Header): KeyframeMessage {
  const bodyBytes = view.byteLength - HEADER_BYTES;
  if (bodyBytes < KEYFRAME_FIXED_BYTES) {
    throw new Error(`KEYFRAME body of ${bodyBytes} bytes is shorter than its ${KEYFRAME_FIXED_BYTES}-byte fixed part`);
  }
  const ack = view.getUint32(HEADER_BYTES, true);
  const participant = view.getUint32(HEADER_BYTES + 4, true);
  const count = view.getUint32(HEADER_BYTES + 8, true);
  checkRecordCount('KEYFRAME', bodyBytes - KEYFRAME_FIXED_BYTES, count, KEYFRAME_RECORD_BYTES);
  const bodies: KeyframeBody[] = new Array<KeyframeBody>(count);
  let offset = HEADER_BYTES + KEYFRAME_FIXED_BYTES;
  for (let i = 0; i < count; i++) {
    bodies[i] = readKeyframeBody(view, offset, i);
    offset += KEYFRAME_RECORD_BYTES;
  }
  return { type: 'keyframe', tick: header.tick, seq: header.seq, ack, participant, bodies };
}

function readKeyframeBody(view: DataView, offset: number, index: number): KeyframeBody {
  const where = `KEYFRAME body ${index}`;
  const id = view.getUint32(offset, true);
  const shapeCode = view.getUint8(offset + 4);
  for (let pad = 5; pad < 8; pad++) {
    if (view.getUint8(offset + pad) !== 0) {
      throw new Error(`${where}: padding byte ${pad} must be 0`);
    }
  }
  const size = readVec3(view, offset + 8, `${where} size`);
  let shape: BodyShape;
  if (shapeCode === 0) shape = { kind: 'box', halfExtents: size };
  else if (shapeCode === 1) shape = { kind: 'sphere', radius: size.x };
  else if (shapeCode === 2) shape = { kind: 'capsule', radius: size.x, halfLength: size.y };
  else if (shapeCode === 3) shape = { kind: 'cylinder', radius: size.x, halfHeight: size.y };
  else if (shapeCode === 4) shape = { kind: 'prism', halfSide: size.x, halfHeight: size.y };
  else throw new Error(`${where}: unknown shape ${shapeCode} (0 box, 1 sphere, 2 capsule, 3 cylinder, 4 prism)`);
  return {
    id,
    shape,
    color: view.getUint32(offset + 20, true),
    position: readVec3(view, offset + 24, `${where} position`),
    orientation: readQuat(view, offset + 36, `${where} orientation`),
  };
}

function readSnapshot(view: DataView, header: Header): SnapshotMessage {
  const bodyBytes = view.byteLength - HEADER_BYTES;
  if (bodyBytes < SNAPSHOT_FIXED_BYTES) {
    throw new Error(`SNAPSHOT body of ${bodyBytes} bytes is shorter than its ${SNAPSHOT_FIXED_BYTES}-byte fixed part`);
  }
  const ack = view.getUint32(HEADER_BYTES, true);
  const count = view.getUint32(HEADER_BYTES + 4, true);
  checkRecordCount('SNAPSHOT', bodyBytes - SNAPSHOT_FIXED_BYTES, count, SNAPSHOT_RECORD_BYTES);
  const updates: BodyUpdate[] = new Array<BodyUpdate>(count);
  let offset = HEADER_BYTES + SNAPSHOT_FIXED_BYTES;
  for (let i = 0; i < count; i++) {
    const where = `SNAPSHOT record ${i}`;
    updates[i] = {
      id: view.getUint32(offset, true),
      position: readVec3(view, offset + 4, `${where} position`),
      orientation: readQuat(view, offset + 16, `${where} orientation`),
    };
    offset += SNAPSHOT_RECORD_BYTES;
  }
  return { type: 'snapshot', tick: header.tick, seq: header.seq, ack, updates };
}

function readEvents(view: DataView, header: Header): EventsMessage {
  const bodyBytes = view.byteLength - HEADER_BYTES;
  if (bodyBytes < EVENTS_FIXED_BYTES) {
    throw new Error(`EVENTS body of ${bodyBytes} bytes is shorter than its ${EVENTS_FIXED_BYTES}-byte ack`);
  }
  const ack = view.getUint32(HEADER_BYTES, true);
  const parsed = readJson(view, HEADER_BYTES + EVENTS_FIXED_BYTES, 'EVENTS');
  if (!Array.isArray(parsed)) {
    throw new Error(`EVENTS JSON must be an array of events, got ${jsonKind(parsed)}`);
  }
  const events: SessionEvent[] = parsed.map((item: unknown, index) => readEvent(item, index));
  return { type: 'events', tick: header.tick, seq: header.seq, ack, events };
}

function readEvent(item: unknown, index: number): SessionEvent {
  const where = `EVENTS event ${index}`;
  if (!isObject(item)) throw new Error(`${where} must be an object, got ${jsonKind(item)}`);
  const seq = item['seq'];
  const tick = item['tick'];
  const type = item['type'];
  const payload = item['payload'];
  if (!isCount(seq)) throw new Error(`${where}: "seq" must be a whole number >= 0, got ${jsonKind(seq)}`);
  if (!isCount(tick)) throw new Error(`${where}: "tick" must be a whole number >= 0, got ${jsonKind(tick)}`);
  if (typeof type !== 'string' || type === '') {
    throw new Error(`${where}: "type" must be a non-empty string, got ${jsonKind(type)}`);
  }
  if (!isObject(payload)) throw new Error(`${where} (${type}): "payload" must be an object, got ${jsonKind(payload)}`);
  return { seq, tick, type, payload };
}

function readReply(view: DataView, header: Header): ReplyMessage {
  const parsed = readJson(view, HEADER_BYTES, 'REPLY');
  if (!isObject(parsed)) throw new Error(`REPLY JSON must be an object, got ${jsonKind(parsed)}`);
  const ref = parsed['ref'];
  const ok = parsed['ok'];
  const code = parsed['code'];
  const error = parsed['error'];
  if (!isCount(ref)) throw new Error(`REPLY "ref" must be a whole number >= 0, got ${jsonKind(ref)}`);
  if (typeof ok !== 'boolean') throw new Error(`REPLY "ok" must be true or false, got ${jsonKind(ok)}`);
  const reply: ReplyMessage = { type: 'reply', tick: header.tick, seq: header.seq, ref, ok };
  if (code !== undefined && code !== null) {
    if (typeof code !== 'string') throw new Error(`REPLY "code" must be a string, got ${jsonKind(code)}`);
    reply.code = code;
  }
  if (error !== undefined && error !== null) {
    if (typeof error !== 'string') throw new Error(`REPLY "error" must be a string, got ${jsonKind(error)}`);
    reply.error = error;
  }
  return reply;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readJson(view: DataView, offset: number, message: string): unknown {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, view.byteLength - offset);
  if (bytes.byteLength === 0) throw new Error(`${message} body has no JSON`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new Error(`${message} JSON is not valid UTF-8`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} body is not valid JSON (${why})`);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function jsonKind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

function checkRecordCount(message: string, recordBytes: number, count: number, recordSize: number): void {
  // Compare in bytes available, not count * size, so a huge count cannot overflow.
  const fits = Math.floor(recordBytes / recordSize);
  if (count > fits) {
    throw new Error(`${message} count ${count} overruns the frame (room for ${fits} records of ${recordSize} bytes)`);
  }
  if (recordBytes !== count * recordSize) {
    throw new Error(
      `${message} body has the wrong length: ${count} records need ${count * recordSize} bytes after the fixed part, got ${recordBytes}`,
    );
  }
}

function readVec3(view: DataView, offset: number, what: string): Vec3 {
  return {
    x: readF32(view, offset, what),
    y: readF32(view, offset + 4, what),
    z: readF32(view, offset + 8, what),
  };
}

function readQuat(view: DataView, offset: number, what: string): Quat {
  return {
    x: readF32(view, offset, what),
    y: readF32(view, offset + 4, what),
    z: readF32(view, offset + 8, what),
    w: readF32(view, offset + 12, what),
  };
}

function readF32(view: DataView, offset: number, what: string): number {
  const value = view.getFloat32(offset, true);
  if (!Number.isFinite(value)) {
    throw new Error(`${what} has a non-finite number (${value}) at byte ${offset}`);
  }
  return value;
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, '0');
}
