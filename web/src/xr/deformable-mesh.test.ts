import { describe, expect, it } from 'vitest';
import { applyVertexUpdates, createDeformableMesh, quantize } from './deformable-mesh';

const box = { min: { x: -1, y: 0, z: -1 }, max: { x: 1, y: 2, z: 1 } };

function square() {
  const rest = new Float32Array([-1, 0, -1, 1, 0, -1, 1, 0, 1, -1, 0, 1]);
  return createDeformableMesh(rest, new Uint16Array([0, 1, 2, 0, 2, 3]), box, 0xff0000);
}

describe('deformable mesh vertex updates', () => {
  it('writes dequantized positions into the same buffer, without reallocating it', () => {
    const d = square();
    const before = d.positions.array;
    const version = d.positions.version;
    const q = [quantize(0.5, -1, 1), quantize(1, 0, 2), quantize(-0.25, -1, 1)];
    expect(applyVertexUpdates(d, [2], q, 1)).toBe(1);
    expect(d.positions.array).toBe(before);
    expect(d.mesh.geometry.getAttribute('position').array).toBe(before);
    expect(d.positions.getX(2)).toBeCloseTo(0.5, 4);
    expect(d.positions.getY(2)).toBeCloseTo(1, 4);
    expect(d.positions.getZ(2)).toBeCloseTo(-0.25, 4);
    expect(d.positions.version).toBe(version + 1);
  });

  it('uploads only the range of vertices that moved', () => {
    const d = square();
    applyVertexUpdates(d, [1, 2], [0, 0, 0, 65535, 65535, 65535], 2);
    expect(d.positions.updateRanges).toEqual([{ start: 3, count: 6 }]);
    expect(d.positions.getX(1)).toBe(-1);
    expect(d.positions.getX(2)).toBe(1);
  });

  it('quantizes to 16 bits with an error below half a step', () => {
    const step = 2 / 65535;
    for (const v of [-1, -0.3333, 0, 0.123456, 1]) {
      const back = -1 + quantize(v, -1, 1) * step;
      expect(Math.abs(back - v)).toBeLessThanOrEqual(step / 2 + 1e-12);
    }
  });

  it('skips vertex ids the mesh does not have and leaves the buffer untouched', () => {
    const d = square();
    const copy = Float32Array.from(d.positions.array as Float32Array);
    expect(applyVertexUpdates(d, [4, -1, Number.NaN], [1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toBe(0);
    expect(Array.from(d.positions.array)).toEqual(Array.from(copy));
  });

  it('reads only `count` records from longer reused arrays', () => {
    const d = square();
    const ids = new Uint32Array([0, 3, 3]);
    const q = new Uint16Array([65535, 0, 65535, 0, 65535, 0, 1, 1, 1]);
    expect(applyVertexUpdates(d, ids, q, 1)).toBe(1);
    expect(d.positions.getX(0)).toBe(1);
    expect(d.positions.getX(3)).toBe(-1);
  });
});
