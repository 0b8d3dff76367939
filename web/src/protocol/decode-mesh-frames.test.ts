import { describe, expect, it } from 'vitest';
import { decodeServerFrame } from './decode-server-frame';

// Version 2 frames built byte by byte from docs/protocol.md (KEYFRAME mesh
// and camera records, MESH, SNAPSHOT mesh deltas and hand forces),
// independently of the decoder's own constants.

class Bytes {
  private readonly out: number[] = [];
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  f32(v: number): this {
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, v, true);
    for (let i = 0; i < 4; i++) this.u8(b.getUint8(i));
    return this;
  }
  text(s: string): this {
    for (const b of new TextEncoder().encode(s)) this.u8(b);
    return this;
  }
  header(type: number, tick: number, seq: number, version = 2): this {
    return this.u8(version).u8(type).u16(0).u32(tick).u32(seq);
  }
  get length(): number {
    return this.out.length;
  }
  buffer(): ArrayBuffer {
    return new Uint8Array(this.out).buffer;
  }
}

const f = Math.fround;

interface RawMesh {
  id: number;
  version: number;
  name: string;
  colour: number[];
  min: number[];
  max: number[];
  quantised: number[];
  triangles: number[];
}

// A quad of the gauze: four vertices, two triangles.
const gauze: RawMesh = {
  id: 40,
  version: 3,
  name: 'gauze',
  colour: [0.9, 0.875, 0.8, 1],
  min: [-0.05, 0.8, -0.06],
  max: [0.05, 0.82, 0.04],
  quantised: [0, 0, 0, 65535, 0, 0, 0, 32768, 65535, 65535, 65535, 65535],
  triangles: [0, 2, 1, 1, 2, 3],
};

function mesh(b: Bytes, m: RawMesh, counts?: { vertices?: number; triangles?: number; name?: number }): Bytes {
  b.u32(m.id).u32(m.version);
  m.colour.forEach((c) => b.f32(c));
  m.min.forEach((v) => b.f32(v));
  m.max.forEach((v) => b.f32(v));
  b.u32(counts?.vertices ?? m.quantised.length / 3).u32(counts?.triangles ?? m.triangles.length / 3);
  b.u32(counts?.name ?? new TextEncoder().encode(m.name).length).text(m.name);
  m.quantised.forEach((q) => b.u16(q));
  m.triangles.forEach((t) => b.u32(t));
  return b;
}

function camera(b: Bytes, fov = 1.1, name = 'laparoscope'): Bytes {
  b.u32(1).f32(0).f32(1.02).f32(0.16);
  b.f32(-0.43496553).f32(0).f32(0).f32(0.9004471);
  return b.f32(fov).u32(new TextEncoder().encode(name).length).text(name);
}

function keyframe(m: RawMesh = gauze, fov = 1.1): Bytes {
  const b = new Bytes().header(0x10, 3000, 1).u32(0).u32(1).u32(0);
  mesh(b.u32(1), m);
  return camera(b.u32(1), fov);
}

function snapshot(vertices: number[], quantised: number[], forces: [number, number, number] = [1, 0.5, 12.25]): Bytes {
  const b = new Bytes().header(0x11, 3011, 3).u32(2).u32(0);
  b.u32(1).u32(40).u32(4).u32(vertices.length);
  vertices.forEach((v, i) => b.u32(v).u16(quantised[3 * i]!).u16(quantised[3 * i + 1]!).u16(quantised[3 * i + 2]!));
  return b.u32(forces[0]).f32(forces[1]).f32(forces[2]);
}

describe('decodeServerFrame, version 2 meshes, cameras and forces', () => {
  it('reads a keyframe mesh record: topology, bounds, colour, name and quantised positions', () => {
    const message = decodeServerFrame(keyframe().buffer());
    if (message.type !== 'keyframe') throw new Error(message.type);
    expect(message.bodies).toEqual([]);
    expect(message.meshes).toHaveLength(1);
    const m = message.meshes[0]!;
    expect(m).toMatchObject({ id: 40, topologyVersion: 3, name: 'gauze', vertexCount: 4 });
    expect(m.colour).toEqual({ r: f(0.9), g: f(0.875), b: f(0.8), a: 1 });
    expect(m.boundsMin).toEqual({ x: f(-0.05), y: f(0.8), z: f(-0.06) });
    expect(m.boundsMax).toEqual({ x: f(0.05), y: f(0.82), z: f(0.04) });
    expect(Array.from(m.quantised)).toEqual(gauze.quantised);
    expect(Array.from(m.triangles)).toEqual(gauze.triangles);
  });

  it('reads the camera record after the meshes', () => {
    const message = decodeServerFrame(keyframe().buffer());
    if (message.type !== 'keyframe') throw new Error(message.type);
    expect(message.cameras).toEqual([
      {
        id: 1,
        name: 'laparoscope',
        position: { x: 0, y: f(1.02), z: f(0.16) },
        orientation: { x: f(-0.43496553), y: 0, z: 0, w: f(0.9004471) },
        verticalFov: f(1.1),
      },
    ]);
  });

  it('reads a MESH frame (a new topology after a cut)', () => {
    const cut = { ...gauze, version: 4, triangles: [0, 2, 1] };
    const message = decodeServerFrame(mesh(new Bytes().header(0x14, 3010, 2), cut).buffer());
    expect(message.type).toBe('mesh');
    if (message.type !== 'mesh') return;
    expect(message.mesh.topologyVersion).toBe(4);
    expect(Array.from(message.mesh.triangles)).toEqual([0, 2, 1]);
  });

  it('reads snapshot vertex deltas and the hand forces', () => {
    const message = decodeServerFrame(snapshot([1, 3], [65000, 10, 0, 1, 2, 3]).buffer());
    if (message.type !== 'snapshot') throw new Error(message.type);
    expect(message.meshes).toHaveLength(1);
    const d = message.meshes[0]!;
    expect(d).toMatchObject({ id: 40, topologyVersion: 4, count: 2 });
    expect(Array.from(d.vertices)).toEqual([1, 3]);
    expect(Array.from(d.quantised)).toEqual([65000, 10, 0, 1, 2, 3]);
    expect(message.forces).toEqual({ leftN: 0.5, rightN: 12.25 });
    const idle = decodeServerFrame(snapshot([], [], [0, 0, 0]).buffer());
    expect(idle.type === 'snapshot' && idle.forces).toBeNull();
  });

  it('rejects malformed mesh records with a reason', () => {
    expect(() => decodeServerFrame(keyframe({ ...gauze, triangles: [0, 2, 4, 1, 2, 3] }).buffer())).toThrow(
      /KEYFRAME mesh 0: triangle index 4 is not below its 4 vertices/,
    );
    expect(() => decodeServerFrame(keyframe({ ...gauze, max: [-0.06, 0.82, 0.04] }).buffer())).toThrow(/bounds max is below min/);
    expect(() => decodeServerFrame(keyframe({ ...gauze, min: [Number.NaN, 0, 0] }).buffer())).toThrow(/bounds has a non-finite number/);
    const long = mesh(new Bytes().header(0x14, 1, 1), gauze, { name: 300 });
    expect(() => decodeServerFrame(long.buffer())).toThrow(/name of 300 bytes is longer than 255/);
    const many = mesh(new Bytes().header(0x14, 1, 1), gauze, { vertices: 2_000_000 });
    expect(() => decodeServerFrame(many.buffer())).toThrow(/2000000 vertices is more than/);
    const overrun = mesh(new Bytes().header(0x14, 1, 1), gauze, { triangles: 1000 });
    expect(() => decodeServerFrame(overrun.buffer())).toThrow(/4 vertices and 1000 triangles overrun the frame/);
    const badName = new Bytes().header(0x14, 1, 1);
    mesh(badName, { ...gauze, name: '' }, { name: 1 });
    // The one name byte is the first quantised byte, 0x00: valid; make it 0xff instead.
    const bytes = new Uint8Array(badName.buffer());
    bytes[12 + 60] = 0xff;
    expect(() => decodeServerFrame(bytes)).toThrow(/name is not valid UTF-8/);
    const trailing = mesh(new Bytes().header(0x14, 1, 1), gauze).u8(0);
    expect(() => decodeServerFrame(trailing.buffer())).toThrow(/MESH has 1 bytes left over/);
  });

  it('rejects a camera whose field of view is not between 0 and pi', () => {
    expect(() => decodeServerFrame(keyframe(gauze, 0).buffer())).toThrow(/field of view must be between 0 and pi/);
    expect(() => decodeServerFrame(keyframe(gauze, 4).buffer())).toThrow(/field of view/);
  });

  it('rejects malformed snapshot deltas and forces', () => {
    expect(() => decodeServerFrame(snapshot([3, 1], [0, 0, 0, 0, 0, 0]).buffer())).toThrow(/vertex indices must be strictly increasing/);
    expect(() => decodeServerFrame(snapshot([2, 2], [0, 0, 0, 0, 0, 0]).buffer())).toThrow(/strictly increasing/);
    expect(() => decodeServerFrame(snapshot([], [], [2, 0, 0]).buffer())).toThrow(/hand force flags must be 0 or 1, got 2/);
    expect(() => decodeServerFrame(snapshot([], [], [0, 1, 0]).buffer())).toThrow(/must be 0 when flagged absent/);
    expect(() => decodeServerFrame(snapshot([], [], [1, -1, 0]).buffer())).toThrow(/hand force is negative/);
    expect(() => decodeServerFrame(snapshot([], [], [1, Number.POSITIVE_INFINITY, 0]).buffer())).toThrow(/non-finite/);
    const noForces = new Bytes().header(0x11, 1, 1).u32(0).u32(0).u32(0);
    expect(() => decodeServerFrame(noForces.buffer())).toThrow(/SNAPSHOT has no hand forces/);
    const hugeDelta = new Bytes().header(0x11, 1, 1).u32(0).u32(0).u32(1).u32(40).u32(4).u32(0x7fffffff).u32(0).f32(0).f32(0);
    expect(() => decodeServerFrame(hugeDelta.buffer())).toThrow(/vertices overrun the frame/);
  });

  it('rejects frames of protocol version 1', () => {
    const v1 = new Bytes().header(0x11, 1, 1, 1).u32(0).u32(0).u32(0).u32(0).f32(0).f32(0);
    expect(() => decodeServerFrame(v1.buffer())).toThrow(/unsupported protocol version 1 \(expected 2\)/);
  });
});
