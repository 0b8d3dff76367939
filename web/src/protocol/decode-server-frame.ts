import {
  CAMERA_FIXED_BYTES,
  HAND_FORCES_BYTES,
  HEADER_BYTES,
  MESH_FIXED_BYTES,
  MESH_MAX_TRIANGLES,
  MESH_MAX_VERTICES,
  NAME_MAX_BYTES,
  VERTEX_DELTA_BYTES,
  KEYFRAME_FIXED_BYTES,
  KEYFRAME_RECORD_BYTES,
  EVENTS_FIXED_BYTES,
  MessageType,
  PROTOCOL_VERSION,
  SNAPSHOT_FIXED_BYTES,
  SNAPSHOT_RECORD_BYTES,
  type BodyShape,
  type BodyUpdate,
  type CameraView,
  type EventsMessage,
  type HandForces,
  type MeshDelta,
  type MeshMessage,
  type MeshTopology,
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
    case MessageType.Mesh:
      return readMeshMessage(view, header);
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
  let offset = HEADER_BYTES + KEYFRAME_FIXED_BYTES;
  checkRoom('KEYFRAME', view, offset, count, KEYFRAME_RECORD_BYTES);
  const bodies: KeyframeBody[] = new Array<KeyframeBody>(count);
  for (let i = 0; i < count; i++) {
    bodies[i] = readKeyframeBody(view, offset, i);
    offset += KEYFRAME_RECORD_BYTES;
  }
  const meshCount = readCount(view, offset, 'KEYFRAME mesh', MESH_FIXED_BYTES);
  offset += 4;
  const meshes: MeshTopology[] = [];
  for (let i = 0; i < meshCount; i++) {
    const read = readMeshRecord(view, offset, `KEYFRAME mesh ${i}`);
    meshes.push(read.mesh);
    offset = read.end;
  }
  const cameraCount = readCount(view, offset, 'KEYFRAME camera', CAMERA_FIXED_BYTES);
  offset += 4;
  const cameras: CameraView[] = [];
  for (let i = 0; i < cameraCount; i++) {
    const read = readCamera(view, offset, `KEYFRAME camera ${i}`);
    cameras.push(read.camera);
    offset = read.end;
  }
  checkEnd('KEYFRAME', view, offset);
  return { type: 'keyframe', tick: header.tick, seq: header.seq, ack, participant, bodies, meshes, cameras };
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
  let offset = HEADER_BYTES + SNAPSHOT_FIXED_BYTES;
  checkRoom('SNAPSHOT', view, offset, count, SNAPSHOT_RECORD_BYTES);
  const updates: BodyUpdate[] = new Array<BodyUpdate>(count);
  for (let i = 0; i < count; i++) {
    const where = `SNAPSHOT record ${i}`;
    updates[i] = {
      id: view.getUint32(offset, true),
      position: readVec3(view, offset + 4, `${where} position`),
      orientation: readQuat(view, offset + 16, `${where} orientation`),
    };
    offset += SNAPSHOT_RECORD_BYTES;
  }
  const meshCount = readCount(view, offset, 'SNAPSHOT mesh', 12);
  offset += 4;
  const meshes: MeshDelta[] = [];
  for (let i = 0; i < meshCount; i++) {
    const read = readMeshDelta(view, offset, `SNAPSHOT mesh ${i}`);
    meshes.push(read.delta);
    offset = read.end;
  }
  if (view.byteLength - offset < HAND_FORCES_BYTES) {
    throw new Error(`SNAPSHOT has no hand forces (${HAND_FORCES_BYTES} bytes at its end)`);
  }
  const forces = readHandForces(view, offset);
  offset += HAND_FORCES_BYTES;
  checkEnd('SNAPSHOT', view, offset);
  return { type: 'snapshot', tick: header.tick, seq: header.seq, ack, updates, meshes, forces };
}

function readMeshMessage(view: DataView, header: Header): MeshMessage {
  const read = readMeshRecord(view, HEADER_BYTES, 'MESH');
  checkEnd('MESH', view, read.end);
  return { type: 'mesh', tick: header.tick, seq: header.seq, mesh: read.mesh };
}

function readMeshRecord(view: DataView, offset: number, where: string): { mesh: MeshTopology; end: number } {
  if (view.byteLength - offset < MESH_FIXED_BYTES) {
    throw new Error(`${where} overruns the frame (a mesh record needs ${MESH_FIXED_BYTES} bytes before its name)`);
  }
  const id = view.getUint32(offset, true);
  const topologyVersion = view.getUint32(offset + 4, true);
  const colour = {
    r: readF32(view, offset + 8, `${where} colour`),
    g: readF32(view, offset + 12, `${where} colour`),
    b: readF32(view, offset + 16, `${where} colour`),
    a: readF32(view, offset + 20, `${where} colour`),
  };
  const boundsMin = readVec3(view, offset + 24, `${where} bounds`);
  const boundsMax = readVec3(view, offset + 36, `${where} bounds`);
  if (boundsMax.x < boundsMin.x || boundsMax.y < boundsMin.y || boundsMax.z < boundsMin.z) {
    throw new Error(`${where}: bounds max is below min`);
  }
  const vertexCount = view.getUint32(offset + 48, true);
  const triangleCount = view.getUint32(offset + 52, true);
  const nameBytes = view.getUint32(offset + 56, true);
  if (vertexCount > MESH_MAX_VERTICES) throw new Error(`${where}: ${vertexCount} vertices is more than ${MESH_MAX_VERTICES}`);
  if (triangleCount > MESH_MAX_TRIANGLES) throw new Error(`${where}: ${triangleCount} triangles is more than ${MESH_MAX_TRIANGLES}`);
  let at = offset + MESH_FIXED_BYTES;
  const name = readName(view, at, nameBytes, where);
  at += nameBytes;
  if (view.byteLength - at < 6 * vertexCount + 12 * triangleCount) {
    throw new Error(`${where}: ${vertexCount} vertices and ${triangleCount} triangles overrun the frame`);
  }
  const quantised = new Uint16Array(3 * vertexCount);
  for (let i = 0; i < quantised.length; i++) quantised[i] = view.getUint16(at + 2 * i, true);
  at += 6 * vertexCount;
  const triangles = new Uint32Array(3 * triangleCount);
  for (let i = 0; i < triangles.length; i++) {
    const index = view.getUint32(at + 4 * i, true);
    if (index >= vertexCount) throw new Error(`${where}: triangle index ${index} is not below its ${vertexCount} vertices`);
    triangles[i] = index;
  }
  at += 12 * triangleCount;
  return { mesh: { id, topologyVersion, name, colour, boundsMin, boundsMax, vertexCount, quantised, triangles }, end: at };
}

function readCamera(view: DataView, offset: number, where: string): { camera: CameraView; end: number } {
  if (view.byteLength - offset < CAMERA_FIXED_BYTES) throw new Error(`${where} overruns the frame`);
  const id = view.getUint32(offset, true);
  const position = readVec3(view, offset + 4, `${where} position`);
  const orientation = readQuat(view, offset + 16, `${where} orientation`);
  const verticalFov = readF32(view, offset + 32, `${where} field of view`);
  if (!(verticalFov > 0 && verticalFov < Math.fround(Math.PI))) {
    throw new Error(`${where}: vertical field of view must be between 0 and pi radians, got ${verticalFov}`);
  }
  const nameBytes = view.getUint32(offset + 36, true);
  const name = readName(view, offset + CAMERA_FIXED_BYTES, nameBytes, where);
  return { camera: { id, name, position, orientation, verticalFov }, end: offset + CAMERA_FIXED_BYTES + nameBytes };
}

function readMeshDelta(view: DataView, offset: number, where: string): { delta: MeshDelta; end: number } {
  if (view.byteLength - offset < 12) throw new Error(`${where} overruns the frame`);
  const id = view.getUint32(offset, true);
  const topologyVersion = view.getUint32(offset + 4, true);
  const count = view.getUint32(offset + 8, true);
  const at = offset + 12;
  if (count > MESH_MAX_VERTICES || count * VERTEX_DELTA_BYTES > view.byteLength - at) {
    throw new Error(`${where}: ${count} vertices overrun the frame`);
  }
  const vertices = new Uint32Array(count);
  const quantised = new Uint16Array(3 * count);
  for (let i = 0; i < count; i++) {
    const o = at + VERTEX_DELTA_BYTES * i;
    const index = view.getUint32(o, true);
    if (i > 0 && index <= vertices[i - 1]!) throw new Error(`${where}: vertex indices must be strictly increasing`);
    vertices[i] = index;
    quantised[3 * i] = view.getUint16(o + 4, true);
    quantised[3 * i + 1] = view.getUint16(o + 6, true);
    quantised[3 * i + 2] = view.getUint16(o + 8, true);
  }
  return { delta: { id, topologyVersion, count, vertices, quantised }, end: at + VERTEX_DELTA_BYTES * count };
}

function readHandForces(view: DataView, offset: number): HandForces | null {
  const flags = view.getUint32(offset, true);
  if (flags > 1) throw new Error(`SNAPSHOT hand force flags must be 0 or 1, got ${flags}`);
  const leftN = readF32(view, offset + 4, 'SNAPSHOT hand force');
  const rightN = readF32(view, offset + 8, 'SNAPSHOT hand force');
  if (leftN < 0 || rightN < 0) throw new Error('SNAPSHOT hand force is negative');
  if (flags === 0) {
    if (leftN !== 0 || rightN !== 0) throw new Error('SNAPSHOT hand forces must be 0 when flagged absent');
    return null;
  }
  return { leftN, rightN };
}

function readName(view: DataView, offset: number, length: number, where: string): string {
  if (length > NAME_MAX_BYTES) throw new Error(`${where}: name of ${length} bytes is longer than ${NAME_MAX_BYTES}`);
  if (view.byteLength - offset < length) throw new Error(`${where}: name overruns the frame`);
  try {
    return utf8.decode(new Uint8Array(view.buffer, view.byteOffset + offset, length));
  } catch {
    throw new Error(`${where}: name is not valid UTF-8`);
  }
}

/** A u32 record count at `offset`, checked against the room left for records of at least `minBytes`. */
function readCount(view: DataView, offset: number, what: string, minBytes: number): number {
  if (view.byteLength - offset < 4) throw new Error(`${what} count overruns the frame`);
  const count = view.getUint32(offset, true);
  checkRoom(what, view, offset + 4, count, minBytes);
  return count;
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

function checkRoom(message: string, view: DataView, offset: number, count: number, recordSize: number): void {
  // Compare in records that fit, not count * size, so a huge count cannot overflow.
  const fits = Math.floor((view.byteLength - offset) / recordSize);
  if (count > fits) {
    throw new Error(`${message} count ${count} overruns the frame (room for ${fits} records of ${recordSize} bytes)`);
  }
}

function checkEnd(message: string, view: DataView, offset: number): void {
  if (offset !== view.byteLength) {
    throw new Error(`${message} has ${view.byteLength - offset} bytes left over after its records`);
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
