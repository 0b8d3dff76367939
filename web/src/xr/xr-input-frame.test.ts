import { Group, PerspectiveCamera, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { ClientSeq } from './client-seq';
import { createInputFrame, writeXrInputFrame } from './input-frame';
import type { TrackedHand } from './tracked-hands';
import type { InputMessage } from '../protocol';

function hand(handedness: 'left' | 'right', at: Vector3, tracked: boolean, trigger: boolean, squeeze: boolean): TrackedHand {
  const grip = new Group();
  grip.position.copy(at);
  grip.visible = tracked;
  return {
    handedness,
    grip: grip as TrackedHand['grip'],
    ray: new Group() as TrackedHand['ray'],
    hand: new Group() as unknown as TrackedHand['hand'],
    source: tracked ? ({} as XRInputSource) : null,
    isHand: false,
    trigger,
    squeeze,
    menuButton: false,
    thumbstickX: 0,
    thumbstickY: 0,
    triggerPressed: false,
    squeezePressed: false,
    squeezeReleased: false,
    menuPressed: false,
  };
}

// The message the frame was encoded from (the byte layout is src/protocol's to test).
function flat(m: InputMessage): { tick: number; seq: number; head: number[]; left: number[]; right: number[] } {
  const pose = (p: InputMessage['head']): number[] => [p.position.x, p.position.y, p.position.z, p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w];
  return { tick: m.tick, seq: m.seq, head: pose(m.head), left: [...pose(m.left), m.left.buttons], right: [...pose(m.right), m.right.buttons] };
}

describe('INPUT from the headset', () => {
  it('sends head and grip poses in world coordinates (through the rig) with trigger and grip bits', () => {
    const rig = new Group();
    rig.position.set(1, 0.5, 0);
    const camera = new PerspectiveCamera();
    camera.position.set(0, 1.6, 0);
    const right = hand('right', new Vector3(0.2, 1.2, -0.4), true, true, true);
    const left = hand('left', new Vector3(-0.2, 1.1, -0.3), true, false, true);
    rig.add(camera, right.grip, left.grip);
    rig.updateMatrixWorld(true);
    const frame = createInputFrame();
    const seq = new ClientSeq();
    expect(writeXrInputFrame(frame, seq, 77, camera, left, right).byteLength).toBe(104);
    const m = flat(frame.message);
    expect(m.tick).toBe(77);
    expect(m.seq).toBe(1);
    expect(m.head.slice(0, 3).map((v) => +v.toFixed(5))).toEqual([1, 2.1, 0]);
    expect(m.right.slice(0, 3).map((v) => +v.toFixed(5))).toEqual([1.2, 1.7, -0.4]);
    expect(m.right[7]).toBe(3);
    expect(m.left[7]).toBe(2);
  });

  it('holds an untracked hand still and sends no buttons for it', () => {
    const camera = new PerspectiveCamera();
    const right = hand('right', new Vector3(0.2, 1.2, -0.4), true, false, true);
    const frame = createInputFrame();
    const seq = new ClientSeq();
    writeXrInputFrame(frame, seq, 1, camera, hand('left', new Vector3(), true, false, false), right);
    right.grip.visible = false; // tracking lost
    right.grip.position.set(9, 9, 9);
    writeXrInputFrame(frame, seq, 2, camera, hand('left', new Vector3(), true, false, false), right);
    const m = flat(frame.message);
    expect(m.seq).toBe(2);
    expect(m.right.slice(0, 3).map((v) => +v.toFixed(5))).toEqual([0.2, 1.2, -0.4]);
    expect(m.right[7]).toBe(0);
  });
});
