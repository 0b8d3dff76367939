import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeServerFrame } from './decode-server-frame';
import { encodeInput } from './encode-input';
import { encodeStreams } from './encode-streams';
import { encodeAction, encodeControl } from './encode-json';
import type {
  BodyShape,
  CameraView,
  ControlName,
  HandJoint,
  InputMessage,
  JsonObject,
  MeshDelta,
  MeshTopology,
  Pose,
  Quat,
  ServerMessage,
  Vec3,
} from './messages';

// Frames written by the C++ encoder; the JSON format is in FIXTURES.md.
const fixturesDir = fileURLToPath(new URL('./fixtures', import.meta.url));
const hasFixtures = existsSync(fixturesDir);
// Under make test (MEDVISION_REQUIRE_PEERS=1) missing fixtures fail instead of skipping.
const requireFixtures = process.env['MEDVISION_REQUIRE_PEERS'] === '1';

describe('C++ fixture frames are present', () => {
  it.runIf(requireFixtures)('has the fixtures the C++ encoder writes', () => {
    expect(hasFixtures, `${fixturesDir} is missing`).toBe(true);
  });
});

type Json = Record<string, unknown>;

describe.skipIf(!hasFixtures)('C++ fixture frames', () => {
  const names = hasFixtures
    ? readdirSync(fixturesDir)
        .filter((file) => file.endsWith('.bin'))
        .map((file) => file.slice(0, -'.bin'.length))
        .sort()
    : [];

  it('the fixtures folder holds at least one frame', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it.each(names)('fixture %s: NAME.bin matches NAME.json', (name) => {
    const bytes = new Uint8Array(readFileSync(join(fixturesDir, `${name}.bin`)));
    const jsonPath = join(fixturesDir, `${name}.json`);
    expect(
      existsSync(jsonPath),
      `${name}.bin has no ${name}.json: the C++ fixture writer must also write the expected values (format in src/protocol/FIXTURES.md)`,
    ).toBe(true);
    const expected = JSON.parse(readFileSync(jsonPath, 'utf8')) as Json;

    // A rejection fixture has no "type" (a REPLY's own "error" is a field).
    if (typeof expected['error'] === 'string' && expected['type'] === undefined) {
      expect(() => decodeServerFrame(bytes)).toThrow(new RegExp(expected['error'], 'i'));
    } else if (expected['type'] === 'input') {
      const encoded = new Uint8Array(encodeInput(inputFromJson(expected)));
      expect(Array.from(encoded)).toEqual(Array.from(bytes));
    } else if (expected['type'] === 'streams') {
      const encoded = new Uint8Array(encodeStreams(streamsFromJson(expected)));
      expect(Array.from(encoded)).toEqual(Array.from(bytes));
    } else if (expected['type'] === 'action' || expected['type'] === 'control') {
      // JSON bodies may differ in key order and spacing: compare the header
      // bytes exactly and the bodies as parsed JSON.
      const encoded = new Uint8Array(jsonClientFrameFromJson(expected));
      expect(Array.from(encoded.subarray(0, 12))).toEqual(Array.from(bytes.subarray(0, 12)));
      expect(parseBody(encoded)).toEqual(parseBody(bytes));
    } else {
      expect(decodeServerFrame(bytes)).toEqual(serverMessageFromJson(expected));
    }
  });
});

function serverMessageFromJson(json: Json): ServerMessage {
  const tick = num(json['tick']);
  const seq = num(json['seq']);
  const ack = json['type'] === 'reply' || json['type'] === 'mesh' ? 0 : num(json['ack']); // REPLY and MESH have no ack
  if (json['type'] === 'keyframe') {
    const bodies = list(json['bodies']).map((body) => ({
      id: num(body['id']),
      shape: shapeFromJson(body),
      color: num(body['color']),
      position: vec3(body['position']),
      orientation: quat(body['orientation']),
    }));
    // Version 2 fixtures may leave out meshes and cameras (none).
    const meshes = json['meshes'] === undefined ? [] : list(json['meshes']).map(meshFromJson);
    const cameras = json['cameras'] === undefined ? [] : list(json['cameras']).map(cameraFromJson);
    return { type: 'keyframe', tick, seq, ack, participant: num(json['participant']), bodies, meshes, cameras };
  }
  if (json['type'] === 'snapshot') {
    const updates = list(json['updates']).map((u) => ({
      id: num(u['id']),
      position: vec3(u['position']),
      orientation: quat(u['orientation']),
    }));
    const meshes = json['meshes'] === undefined ? [] : list(json['meshes']).map(deltaFromJson);
    const forces = json['forces'] === undefined ? null : (json['forces'] as Json);
    return {
      type: 'snapshot',
      tick,
      seq,
      ack,
      updates,
      meshes,
      forces: forces === null ? null : { leftN: Math.fround(num(forces['left_N'])), rightN: Math.fround(num(forces['right_N'])) },
    };
  }
  if (json['type'] === 'mesh') {
    return { type: 'mesh', tick, seq, mesh: meshFromJson(json['mesh'] as Json) };
  }
  if (json['type'] === 'events') {
    const events = list(json['events']).map((e) => ({
      seq: num(e['seq']),
      tick: num(e['tick']),
      type: String(e['type']),
      payload: e['payload'] as JsonObject,
    }));
    return { type: 'events', tick, seq, ack, events };
  }
  if (json['type'] === 'reply') {
    const reply: ServerMessage = { type: 'reply', tick, seq, ref: num(json['ref']), ok: json['ok'] === true };
    if (typeof json['code'] === 'string') reply.code = json['code'];
    if (typeof json['error'] === 'string') reply.error = json['error'];
    return reply;
  }
  throw new Error(`fixture JSON has an unknown type: ${String(json['type'])}`);
}

function jsonClientFrameFromJson(json: Json): ArrayBuffer {
  const tick = num(json['tick']);
  const seq = num(json['seq']);
  if (json['type'] === 'action') {
    const params = json['params'];
    return params === undefined
      ? encodeAction(tick, seq, { name: String(json['name']) })
      : encodeAction(tick, seq, { name: String(json['name']), params: params as JsonObject });
  }
  const text = json['text'];
  const control = String(json['control']) as ControlName;
  return typeof text === 'string' ? encodeControl(tick, seq, { control, text }) : encodeControl(tick, seq, { control });
}

function parseBody(frame: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(frame.subarray(12))) as unknown;
}

function inputFromJson(json: Json): InputMessage {
  const hand = (value: unknown): InputMessage['left'] => {
    const h = value as Json;
    return { ...pose(h), buttons: num(h['buttons']) };
  };
  return {
    tick: num(json['tick']),
    seq: num(json['seq']),
    head: pose(json['head'] as Json),
    left: hand(json['left']),
    right: hand(json['right']),
  };
}

function streamsFromJson(json: Json): Parameters<typeof encodeStreams>[0] {
  const joints = (value: unknown): HandJoint[] | undefined =>
    value === undefined ? undefined : list(value).map((j) => ({ ...pose(j as Json), radius: num((j as Json)['radius']) }));
  const leftJoints = joints(json['left_joints']);
  const rightJoints = joints(json['right_joints']);
  return {
    ...inputFromJson(json),
    ...(leftJoints ? { leftJoints } : {}),
    ...(rightJoints ? { rightJoints } : {}),
    ...(json['audio_level'] === undefined ? {} : { audioLevel: num(json['audio_level']) }),
    ...(json['client_time_ms'] === undefined ? {} : { clientTimeMs: num(json['client_time_ms']) }),
  };
}

function meshFromJson(m: Json): MeshTopology {
  const [r, g, b, a] = floats(m['colour'], 4);
  const quantised = Uint16Array.from(list(m['quantised']) as unknown as number[]);
  return {
    id: num(m['id']),
    topologyVersion: num(m['topology_version']),
    name: String(m['name']),
    colour: { r: r ?? 0, g: g ?? 0, b: b ?? 0, a: a ?? 0 },
    boundsMin: vec3(m['bounds_min']),
    boundsMax: vec3(m['bounds_max']),
    vertexCount: quantised.length / 3,
    quantised,
    triangles: Uint32Array.from(list(m['triangles']) as unknown as number[]),
  };
}

function cameraFromJson(c: Json): CameraView {
  return {
    id: num(c['id']),
    name: String(c['name']),
    position: vec3(c['position']),
    orientation: quat(c['orientation']),
    verticalFov: Math.fround(num(c['vertical_fov'])),
  };
}

function deltaFromJson(d: Json): MeshDelta {
  const vertices = Uint32Array.from(list(d['vertices']) as unknown as number[]);
  return {
    id: num(d['id']),
    topologyVersion: num(d['topology_version']),
    count: vertices.length,
    vertices,
    quantised: Uint16Array.from(list(d['quantised']) as unknown as number[]),
  };
}

function shapeFromJson(body: Json): BodyShape {
  if (body['shape'] === 'box') return { kind: 'box', halfExtents: vec3(body['half_extents']) };
  if (body['shape'] === 'sphere') return { kind: 'sphere', radius: Math.fround(num(body['radius'])) };
  const f = (key: string): number => Math.fround(num(body[key]));
  if (body['shape'] === 'capsule') return { kind: 'capsule', radius: f('radius'), halfLength: f('half_length') };
  if (body['shape'] === 'cylinder') return { kind: 'cylinder', radius: f('radius'), halfHeight: f('half_height') };
  if (body['shape'] === 'prism') return { kind: 'prism', halfSide: f('half_side'), halfHeight: f('half_height') };
  throw new Error(`fixture body has an unknown shape: ${String(body['shape'])}`);
}

function pose(json: Json): Pose {
  return { position: vec3(json['position']), orientation: quat(json['orientation']) };
}

function vec3(value: unknown): Vec3 {
  const [x, y, z] = floats(value, 3);
  return { x: x ?? 0, y: y ?? 0, z: z ?? 0 };
}

function quat(value: unknown): Quat {
  const [x, y, z, w] = floats(value, 4);
  return { x: x ?? 0, y: y ?? 0, z: z ?? 0, w: w ?? 0 };
}

function floats(value: unknown, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new Error(`fixture JSON needs an array of ${length} numbers, got ${JSON.stringify(value)}`);
  }
  return value.map((v) => Math.fround(num(v)));
}

function num(value: unknown): number {
  if (typeof value !== 'number') throw new Error(`fixture JSON needs a number, got ${JSON.stringify(value)}`);
  return value;
}

function list(value: unknown): Json[] {
  if (!Array.isArray(value)) throw new Error(`fixture JSON needs an array, got ${JSON.stringify(value)}`);
  return value as Json[];
}
