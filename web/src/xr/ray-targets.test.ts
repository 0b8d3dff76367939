import { BoxGeometry, Mesh, SphereGeometry, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { nearestMeshOnRay, rayFloorDistance, raySphereDistance } from './ray-targets';

const down = new Vector3(0, -1, 0);

describe('pointer ray targets', () => {
  it('finds the near side of a sphere, and 0 from inside it', () => {
    expect(raySphereDistance(new Vector3(0, 0, 5), new Vector3(0, 0, -1), new Vector3(), 1)).toBeCloseTo(4);
    expect(raySphereDistance(new Vector3(0, 0, 0.5), new Vector3(0, 0, -1), new Vector3(), 1)).toBe(0);
    expect(raySphereDistance(new Vector3(0, 3, 5), new Vector3(0, 0, -1), new Vector3(), 1)).toBe(Infinity);
    expect(raySphereDistance(new Vector3(0, 0, -5), new Vector3(0, 0, -1), new Vector3(), 1)).toBe(Infinity);
  });

  it('hits the floor disc only when pointing down and inside its radius', () => {
    expect(rayFloorDistance(new Vector3(0, 1.5, 0), down, 0, 3)).toBeCloseTo(1.5);
    expect(rayFloorDistance(new Vector3(0, 1.5, 0), new Vector3(0, 1, 0), 0, 3)).toBe(Infinity);
    expect(rayFloorDistance(new Vector3(5, 1.5, 0), down, 0, 3)).toBe(Infinity);
    expect(rayFloorDistance(new Vector3(0, 1.5, 0), down, 0.4, 3)).toBeCloseTo(1.1);
  });

  it('picks the nearest mesh along the ray by its bounding sphere', () => {
    const far = new Mesh(new SphereGeometry(0.1));
    far.position.set(0, 0, -3);
    const near = new Mesh(new BoxGeometry(0.2, 0.2, 0.2));
    near.position.set(0, 0, -1);
    const aside = new Mesh(new SphereGeometry(0.1));
    aside.position.set(1, 0, -0.5);
    for (const m of [far, near, aside]) m.updateMatrixWorld();
    const out = { distance: 0 };
    expect(nearestMeshOnRay([far, near, aside], new Vector3(), new Vector3(0, 0, -1), out)).toBe(1);
    expect(out.distance).toBeCloseTo(1 - Math.sqrt(3) * 0.1, 5);
    expect(nearestMeshOnRay([aside], new Vector3(), new Vector3(0, 0, -1), out)).toBe(-1);
  });
});
