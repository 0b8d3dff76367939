import { PerspectiveCamera, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { createPlayerRig, recentre, seatedLift, setPosture, snapTurn, STANDING_EYE_HEIGHT, teleport } from './player-rig';

function rigWithHeadAt(x: number, y: number, z: number) {
  const camera = new PerspectiveCamera();
  camera.position.set(x, y, z); // as the headset tracks it, inside the rig
  const rig = createPlayerRig(camera);
  rig.group.updateMatrixWorld(true);
  return { rig, camera };
}

const head = (camera: PerspectiveCamera): Vector3 => camera.getWorldPosition(new Vector3());

describe('player rig: teleport, snap turn, seated mode', () => {
  it('teleport puts the head above the target and keeps its height', () => {
    const { rig, camera } = rigWithHeadAt(0.3, 1.7, -0.2);
    teleport(rig, camera, new Vector3(2, 0, -1));
    const h = head(camera);
    expect(h.x).toBeCloseTo(2);
    expect(h.z).toBeCloseTo(-1);
    expect(h.y).toBeCloseTo(1.7);
  });

  it('snap turn rotates about the head, which stays where it is', () => {
    const { rig, camera } = rigWithHeadAt(0.5, 1.6, 0.4);
    const before = head(camera);
    snapTurn(rig, camera, Math.PI / 6);
    const after = head(camera);
    expect(after.distanceTo(before)).toBeLessThan(1e-9);
    expect(rig.group.rotation.y).toBeCloseTo(Math.PI / 6);
  });

  it('seated mode lifts a seated user to standing eye height, within limits', () => {
    expect(seatedLift(1.2)).toBeCloseTo(STANDING_EYE_HEIGHT - 1.2);
    expect(seatedLift(1.9)).toBe(0);
    expect(seatedLift(0.2)).toBe(0.8);
    const { rig, camera } = rigWithHeadAt(0, 1.2, 0);
    setPosture(rig, 'seated', 1.2);
    expect(head(camera).y).toBeCloseTo(STANDING_EYE_HEIGHT);
    setPosture(rig, 'standing', 1.2);
    expect(head(camera).y).toBeCloseTo(1.2);
  });

  it('teleport and recentre keep the seated lift', () => {
    const { rig, camera } = rigWithHeadAt(0, 1.2, 0);
    setPosture(rig, 'seated', 1.2);
    teleport(rig, camera, new Vector3(1, 0, 1));
    expect(head(camera).y).toBeCloseTo(STANDING_EYE_HEIGHT);
    recentre(rig);
    expect(head(camera).toArray().map((v) => Number(v.toFixed(6)))).toEqual([0, STANDING_EYE_HEIGHT, 0]);
  });
});
