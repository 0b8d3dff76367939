import {
  BoxGeometry,
  CylinderGeometry,
  Group,
  InstancedMesh,
  Matrix4,
  Mesh,
  MeshLambertMaterial,
  SphereGeometry,
  type Object3D,
} from 'three';
import type { TrackedHand } from './tracked-hands';

// WebXR Hand Input defines 25 joints per hand.
const JOINT_COUNT = 25;
const JOINT_NAMES: readonly XRHandJoint[] = [
  'wrist',
  'thumb-metacarpal', 'thumb-phalanx-proximal', 'thumb-phalanx-distal', 'thumb-tip',
  'index-finger-metacarpal', 'index-finger-phalanx-proximal', 'index-finger-phalanx-intermediate', 'index-finger-phalanx-distal', 'index-finger-tip',
  'middle-finger-metacarpal', 'middle-finger-phalanx-proximal', 'middle-finger-phalanx-intermediate', 'middle-finger-phalanx-distal', 'middle-finger-tip',
  'ring-finger-metacarpal', 'ring-finger-phalanx-proximal', 'ring-finger-phalanx-intermediate', 'ring-finger-phalanx-distal', 'ring-finger-tip',
  'pinky-finger-metacarpal', 'pinky-finger-phalanx-proximal', 'pinky-finger-phalanx-intermediate', 'pinky-finger-phalanx-distal', 'pinky-finger-tip',
];
const JOINT_RADIUS = 0.008;

const CONTROLLER_COLOUR = 0x3a3f47;
const PRESSED_COLOUR = 0x2f7de1;
const HAND_COLOUR = 0xe8c4a8;

/**
 * What the user sees of a hand, drawn from the local pose at once (the
 * server's answer arrives later): a simple controller body in the grip
 * space, or one small sphere per tracked joint (one draw call per hand).
 */
export interface HandVisual {
  controller: Group;
  joints: InstancedMesh;
  triggerMaterial: MeshLambertMaterial;
}

export function createHandVisual(): HandVisual {
  const body = new MeshLambertMaterial({ color: CONTROLLER_COLOUR });
  const triggerMaterial = new MeshLambertMaterial({ color: CONTROLLER_COLOUR });
  const controller = new Group();
  controller.name = 'controller-model';
  // A handle along the grip's -Z (forward, tilted like a held controller) and a ring-shaped head.
  const handle = new Mesh(new CylinderGeometry(0.016, 0.018, 0.11, 12), body);
  handle.rotation.x = Math.PI / 2 - 0.35;
  handle.position.set(0, -0.01, 0.02);
  const head = new Mesh(new BoxGeometry(0.05, 0.02, 0.05), body);
  head.position.set(0, 0.01, -0.04);
  const trigger = new Mesh(new BoxGeometry(0.012, 0.02, 0.02), triggerMaterial);
  trigger.position.set(0, -0.015, -0.04);
  controller.add(handle, head, trigger);

  const joints = new InstancedMesh(new SphereGeometry(JOINT_RADIUS, 8, 6), new MeshLambertMaterial({ color: HAND_COLOUR }), JOINT_COUNT);
  joints.name = 'hand-joints';
  joints.frustumCulled = false;
  joints.visible = false;
  return { controller, joints, triggerMaterial };
}

/** Puts the visual on the hand's spaces (call again after a hand re-binds to another slot). */
export function attachHandVisual(visual: HandVisual, hand: TrackedHand, rig: Object3D): void {
  if (visual.controller.parent !== hand.grip) hand.grip.add(visual.controller);
  if (visual.joints.parent !== rig) rig.add(visual.joints);
}

const jointMatrix = new Matrix4();

/** Shows the controller or the joints, whichever the hand is this frame. */
export function updateHandVisual(visual: HandVisual, hand: TrackedHand): void {
  visual.controller.visible = !hand.isHand;
  visual.triggerMaterial.color.setHex(hand.trigger ? PRESSED_COLOUR : CONTROLLER_COLOUR);
  visual.joints.visible = hand.isHand;
  if (!hand.isHand) return;
  // Joint spaces are children of the hand space, which three.js keeps in rig coordinates.
  for (let i = 0; i < JOINT_COUNT; i++) {
    const joint = hand.hand.joints[JOINT_NAMES[i]!];
    if (joint === undefined || !joint.visible) {
      jointMatrix.makeScale(0, 0, 0);
    } else {
      jointMatrix.compose(joint.position, joint.quaternion, joint.scale);
    }
    visual.joints.setMatrixAt(i, jointMatrix);
  }
  visual.joints.instanceMatrix.needsUpdate = true;
}

export function disposeHandVisual(visual: HandVisual): void {
  visual.controller.removeFromParent();
  visual.joints.removeFromParent();
  visual.controller.traverse((o) => {
    if (o instanceof Mesh) o.geometry.dispose();
  });
  visual.joints.geometry.dispose();
  visual.joints.dispose();
}
