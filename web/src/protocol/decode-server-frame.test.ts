import { describe, expect, it } from 'vitest';
import { decodeServerFrame } from './decode-server-frame';

// Frames are built byte by byte from docs/protocol.md, independently of the
// decoder's own constants.

interface RawBody {
  id: number;
  shape: number;
  size: [number, number, number];
  color: number;
  position: [number, number, number];
  orientation: [number, number, number, number];
}

function header(v: DataView, type: number, tick: number, seq: number): void {
  v.setUint8(0, 2);
  v.setUint8(1, type);
  v.setUint16(2, 0, true);
  v.setUint32(4, tick, true);
  v.setUint32(8, seq, true);
}

function keyframeBytes(tick: number, seq: number, ack: number, participant: number, bodies: RawBody[]): ArrayBuffer {
  // No meshes and no cameras: two zero counts after the bodies.
  const buffer = new ArrayBuffer(12 + 12 + 52 * bodies.length + 8);
  const v = new DataView(buffer);
  header(v, 0x10, tick, seq);
  v.setUint32(12, ack, true);
  v.setUint32(16, participant, true);
  v.setUint32(20, bodies.length, true);
  bodies.forEach((b, i) => {
    const o = 24 + 52 * i;
    v.setUint32(o, b.id, true);
    v.setUint8(o + 4, b.shape);
    b.size.forEach((s, k) => v.setFloat32(o + 8 + 4 * k, s, true));
    v.setUint32(o + 20, b.color, true);
    b.position.forEach((p, k) => v.setFloat32(o + 24 + 4 * k, p, true));
    b.orientation.forEach((q, k) => v.setFloat32(o + 36 + 4 * k, q, true));
  });
  return buffer;
}

interface RawUpdate {
  id: number;
  position: [number, number, number];
  orientation: [number, number, number, number];
}

function snapshotBytes(tick: number, seq: number, ack: number, updates: RawUpdate[]): ArrayBuffer {
  // No mesh deltas (a zero count) and no hand forces (12 zero bytes) after the bodies.
  const buffer = new ArrayBuffer(12 + 8 + 32 * updates.length + 4 + 12);
  const v = new DataView(buffer);
  header(v, 0x11, tick, seq);
  v.setUint32(12, ack, true);
  v.setUint32(16, updates.length, true);
  updates.forEach((u, i) => {
    const o = 20 + 32 * i;
    v.setUint32(o, u.id, true);
    u.position.forEach((p, k) => v.setFloat32(o + 4 + 4 * k, p, true));
    u.orientation.forEach((q, k) => v.setFloat32(o + 16 + 4 * k, q, true));
  });
  return buffer;
}

const box: RawBody = {
  id: 3,
  shape: 0,
  size: [0.05, 0.04, 0.03],
  color: 0xd01c1cff,
  position: [-0.2, 0.94, -0.6],
  orientation: [0, 0.38268343, 0, 0.9238795],
};
const sphere: RawBody = {
  id: 9,
  shape: 1,
  size: [0.035, 0, 0],
  color: 0x1a4fd6ff,
  position: [0.25, 0.935, -0.5],
  orientation: [0, 0, 0, 1],
};

const f = Math.fround;

describe('decodeServerFrame, KEYFRAME', () => {
  it('decodes header, ack, participant and every body record', () => {
    const message = decodeServerFrame(keyframeBytes(1200, 1, 0, 2, [box, sphere]));
    expect(message).toEqual({
      type: 'keyframe',
      tick: 1200,
      seq: 1,
      ack: 0,
      participant: 2,
      bodies: [
        {
          id: 3,
          shape: { kind: 'box', halfExtents: { x: f(0.05), y: f(0.04), z: f(0.03) } },
          color: 0xd01c1cff,
          position: { x: f(-0.2), y: f(0.94), z: f(-0.6) },
          orientation: { x: 0, y: f(0.38268343), z: 0, w: f(0.9238795) },
        },
        {
          id: 9,
          shape: { kind: 'sphere', radius: f(0.035) },
          color: 0x1a4fd6ff,
          position: { x: f(0.25), y: f(0.935), z: f(-0.5) },
          orientation: { x: 0, y: 0, z: 0, w: 1 },
        },
      ],
      meshes: [],
      cameras: [],
    });
  });

  it('decodes an empty world', () => {
    const message = decodeServerFrame(keyframeBytes(0, 1, 0, 1, []));
    expect(message.type).toBe('keyframe');
    expect(message.type === 'keyframe' && message.bodies).toEqual([]);
  });

  it('accepts a typed-array view into a larger buffer', () => {
    const frame = new Uint8Array(keyframeBytes(5, 2, 1, 1, [box]));
    const padded = new Uint8Array(frame.byteLength + 8);
    padded.set(frame, 4);
    const message = decodeServerFrame(padded.subarray(4, 4 + frame.byteLength));
    expect(message.type === 'keyframe' && message.bodies[0]?.id).toBe(3);
  });
});

describe('decodeServerFrame, SNAPSHOT', () => {
  it('decodes ack and every update record', () => {
    const message = decodeServerFrame(
      snapshotBytes(4000000000, 77, 41, [
        { id: 3, position: [0.1, 1.1, -0.7], orientation: [0, 0, 0.7071068, 0.7071068] },
        { id: 9, position: [0.3, 0.935, -0.45], orientation: [0, 0, 0, 1] },
      ]),
    );
    expect(message).toEqual({
      type: 'snapshot',
      tick: 4000000000,
      seq: 77,
      ack: 41,
      updates: [
        { id: 3, position: { x: f(0.1), y: f(1.1), z: f(-0.7) }, orientation: { x: 0, y: 0, z: f(0.7071068), w: f(0.7071068) } },
        { id: 9, position: { x: f(0.3), y: f(0.935), z: f(-0.45) }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      ],
      meshes: [],
      forces: null,
    });
  });

  it('decodes a snapshot in which nothing moved', () => {
    const message = decodeServerFrame(snapshotBytes(10, 3, 0, []));
    expect(message).toEqual({ type: 'snapshot', tick: 10, seq: 3, ack: 0, updates: [], meshes: [], forces: null });
  });
});

describe('decodeServerFrame rejects malformed frames', () => {
  const goodKeyframe = (): ArrayBuffer => keyframeBytes(1, 1, 0, 1, [box]);
  const goodSnapshot = (): ArrayBuffer =>
    snapshotBytes(1, 1, 0, [{ id: 3, position: [0, 1, 0], orientation: [0, 0, 0, 1] }]);
  const mutate = (buffer: ArrayBuffer, change: (v: DataView) => void): ArrayBuffer => {
    change(new DataView(buffer));
    return buffer;
  };

  it('shorter than the header', () => {
    expect(() => decodeServerFrame(new ArrayBuffer(0))).toThrow(/0 bytes is shorter than the 12-byte header/);
    expect(() => decodeServerFrame(goodKeyframe().slice(0, 11))).toThrow(/shorter than the 12-byte header/);
  });

  it('another protocol version', () => {
    const frame = mutate(goodKeyframe(), (v) => v.setUint8(0, 1));
    expect(() => decodeServerFrame(frame)).toThrow(/unsupported protocol version 1 \(expected 2\)/);
  });

  it('an unknown message type, including a client-only type', () => {
    expect(() => decodeServerFrame(mutate(goodKeyframe(), (v) => v.setUint8(1, 0x42)))).toThrow(
      /unknown server message type 0x42/,
    );
    expect(() => decodeServerFrame(mutate(goodKeyframe(), (v) => v.setUint8(1, 0x01)))).toThrow(
      /unknown server message type 0x01/,
    );
  });

  it('non-zero flags', () => {
    const frame = mutate(goodSnapshot(), (v) => v.setUint16(2, 0x8000, true));
    expect(() => decodeServerFrame(frame)).toThrow(/flags must be 0, got 0x8000/);
  });

  it('a body shorter than its fixed part', () => {
    expect(() => decodeServerFrame(goodKeyframe().slice(0, 20))).toThrow(/KEYFRAME body of 8 bytes is shorter/);
    expect(() => decodeServerFrame(goodSnapshot().slice(0, 16))).toThrow(/SNAPSHOT body of 4 bytes is shorter/);
  });

  it('a body of the wrong length (truncated record or trailing bytes)', () => {
    expect(() => decodeServerFrame(goodKeyframe().slice(0, 12 + 12 + 51))).toThrow(/overruns the frame/);
    const trailing = new Uint8Array(goodSnapshot().byteLength + 3);
    trailing.set(new Uint8Array(goodSnapshot()));
    expect(() => decodeServerFrame(trailing)).toThrow(/SNAPSHOT has 3 bytes left over after its records/);
  });

  it('a count that overruns the frame, without overflowing', () => {
    expect(() => decodeServerFrame(mutate(goodKeyframe(), (v) => v.setUint32(20, 2, true)))).toThrow(
      /KEYFRAME count 2 overruns the frame \(room for 1 records/,
    );
    expect(() => decodeServerFrame(mutate(goodSnapshot(), (v) => v.setUint32(16, 0xffffffff, true)))).toThrow(
      /SNAPSHOT count 4294967295 overruns the frame/,
    );
  });

  it('non-finite numbers', () => {
    expect(() => decodeServerFrame(mutate(goodKeyframe(), (v) => v.setFloat32(24 + 28, Number.NaN, true)))).toThrow(
      /KEYFRAME body 0 position has a non-finite number \(NaN\)/,
    );
    expect(() => decodeServerFrame(mutate(goodKeyframe(), (v) => v.setFloat32(24 + 8, Infinity, true)))).toThrow(
      /KEYFRAME body 0 size has a non-finite number/,
    );
    expect(() => decodeServerFrame(mutate(goodSnapshot(), (v) => v.setFloat32(20 + 28, -Infinity, true)))).toThrow(
      /SNAPSHOT record 0 orientation has a non-finite number \(-Infinity\)/,
    );
  });

  it('an unknown shape or non-zero padding in a body record', () => {
    expect(() => decodeServerFrame(mutate(goodKeyframe(), (v) => v.setUint8(24 + 4, 7)))).toThrow(
      /KEYFRAME body 0: unknown shape 7/,
    );
    expect(() => decodeServerFrame(mutate(goodKeyframe(), (v) => v.setUint8(24 + 6, 1)))).toThrow(
      /KEYFRAME body 0: padding byte 6 must be 0/,
    );
  });
});
