import { Group, Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { createModelGrab, updateModelGrab, type HandPose } from './model-grab';

const pose = (x: number, y: number, z: number, q = new Quaternion()): HandPose => ({ position: new Vector3(x, y, z), quaternion: q });
const round = (v: Vector3): number[] => v.toArray().map((n) => +n.toFixed(6) + 0);

describe('grabbing a model with one or two hands', () => {
  it('one hand carries the model rigidly, keeping the grab offset', () => {
    const model = new Group();
    model.position.set(0, 1, -0.5);
    const grab = createModelGrab(model);
    updateModelGrab(grab, null, pose(0.1, 1, -0.4));
    updateModelGrab(grab, null, pose(0.3, 1.2, -0.4));
    expect(round(model.position)).toEqual([0.2, 1.2, -0.5]);
  });

  it('one hand turning turns the model about the hand', () => {
    const model = new Group();
    model.position.set(0, 1, -1);
    const grab = createModelGrab(model);
    updateModelGrab(grab, null, pose(0, 1, 0));
    const quarter = new Quaternion().setFromAxisAngle(new Vector3(0, 1, 0), Math.PI / 2);
    updateModelGrab(grab, null, pose(0, 1, 0, quarter));
    expect(round(model.position)).toEqual([-1, 1, 0]);
  });

  it('two hands moving apart scale the model about their midpoint', () => {
    const model = new Group();
    model.position.set(0, 1, -0.5);
    const grab = createModelGrab(model);
    updateModelGrab(grab, pose(-0.1, 1, -0.5), pose(0.1, 1, -0.5));
    updateModelGrab(grab, pose(-0.2, 1, -0.5), pose(0.2, 1, -0.5));
    expect(model.scale.x).toBeCloseTo(2);
    expect(round(model.position)).toEqual([0, 1, -0.5]);
  });

  it('two hands turning about the vertical turn the model with them', () => {
    const model = new Group();
    model.position.set(0, 1, -0.6);
    const grab = createModelGrab(model);
    updateModelGrab(grab, pose(-0.1, 1, -0.5), pose(0.1, 1, -0.5));
    updateModelGrab(grab, pose(0, 1, -0.4), pose(0, 1, -0.6));
    const yaw = new Vector3(1, 0, 0).applyQuaternion(model.quaternion);
    expect(round(yaw)).toEqual([0, 0, -1]);
    expect(round(model.position)).toEqual([-0.1, 1, -0.5]);
  });

  it('scale stays within its limits, and a released hand does not make the model jump', () => {
    const model = new Group();
    const grab = createModelGrab(model, 0.5, 3);
    updateModelGrab(grab, pose(-0.1, 1, 0), pose(0.1, 1, 0));
    updateModelGrab(grab, pose(-2, 1, 0), pose(2, 1, 0));
    expect(model.scale.x).toBe(3);
    const before = model.position.clone();
    updateModelGrab(grab, null, pose(2, 1, 0));
    expect(model.position.distanceTo(before)).toBeLessThan(1e-9);
  });
});
