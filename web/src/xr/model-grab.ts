import { Matrix4, Quaternion, Vector3, type Object3D } from 'three';

/**
 * Grabbing a local model (an anatomy model, not a server body) with one or
 * two hands. One hand: the model follows the hand rigidly. Two hands: the
 * model follows the midpoint, turns with the line between the hands, and
 * scales with their distance. The model must be a direct child of the
 * scene (its local pose is its world pose). No allocation per frame.
 */
export interface ModelGrab {
  model: Object3D;
  /** Which hands hold it. */
  left: boolean;
  right: boolean;
  minScale: number;
  maxScale: number;
  // One hand: the model's pose in the hand's frame at the grab.
  offset: Matrix4;
  // Two hands: the start of the gesture.
  startDistance: number;
  startMid: Vector3;
  startAxis: Vector3;
  startPosition: Vector3;
  startQuaternion: Quaternion;
  startScale: number;
}

export interface HandPose {
  position: Vector3;
  quaternion: Quaternion;
}

export function createModelGrab(model: Object3D, minScale = 0.05, maxScale = 20): ModelGrab {
  return {
    model,
    left: false,
    right: false,
    minScale,
    maxScale,
    offset: new Matrix4(),
    startDistance: 1,
    startMid: new Vector3(),
    startAxis: new Vector3(1, 0, 0),
    startPosition: new Vector3(),
    startQuaternion: new Quaternion(),
    startScale: 1,
  };
}

const handMatrix = new Matrix4();
const modelMatrix = new Matrix4();
const unitScale = new Vector3(1, 1, 1);
const mid = new Vector3();
const axis = new Vector3();
const turn = new Quaternion();
const scaleVector = new Vector3();

/**
 * Updates who holds the model and moves it for this frame. `left`/`right`
 * are null for a hand that does not hold (released, or not tracked).
 */
export function updateModelGrab(grab: ModelGrab, left: HandPose | null, right: HandPose | null): void {
  const holdsLeft = left !== null;
  const holdsRight = right !== null;
  if (holdsLeft !== grab.left || holdsRight !== grab.right) {
    grab.left = holdsLeft;
    grab.right = holdsRight;
    // The gesture changed: restart it from the model's pose now, so nothing jumps.
    if (left !== null && right !== null) startTwoHands(grab, left, right);
    else if (left !== null) startOneHand(grab, left);
    else if (right !== null) startOneHand(grab, right);
    return;
  }
  if (left !== null && right !== null) moveTwoHands(grab, left, right);
  else if (left !== null) moveOneHand(grab, left);
  else if (right !== null) moveOneHand(grab, right);
}

function startOneHand(grab: ModelGrab, hand: HandPose): void {
  handMatrix.compose(hand.position, hand.quaternion, unitScale);
  grab.model.updateMatrix();
  grab.offset.copy(handMatrix).invert().multiply(grab.model.matrix);
}

function moveOneHand(grab: ModelGrab, hand: HandPose): void {
  handMatrix.compose(hand.position, hand.quaternion, unitScale);
  modelMatrix.multiplyMatrices(handMatrix, grab.offset);
  modelMatrix.decompose(grab.model.position, grab.model.quaternion, scaleVector);
}

function startTwoHands(grab: ModelGrab, left: HandPose, right: HandPose): void {
  grab.startDistance = Math.max(1e-3, left.position.distanceTo(right.position));
  grab.startMid.copy(left.position).add(right.position).multiplyScalar(0.5);
  grab.startAxis.copy(right.position).sub(left.position).normalize();
  grab.startPosition.copy(grab.model.position);
  grab.startQuaternion.copy(grab.model.quaternion);
  grab.startScale = grab.model.scale.x;
}

function moveTwoHands(grab: ModelGrab, left: HandPose, right: HandPose): void {
  const distance = Math.max(1e-3, left.position.distanceTo(right.position));
  const scale = Math.min(grab.maxScale, Math.max(grab.minScale, (grab.startScale * distance) / grab.startDistance));
  const ratio = scale / grab.startScale;
  mid.copy(left.position).add(right.position).multiplyScalar(0.5);
  axis.copy(right.position).sub(left.position).normalize();
  turn.setFromUnitVectors(grab.startAxis, axis);
  // The model keeps its place relative to the hands: offset from the old midpoint, turned and scaled.
  grab.model.position.copy(grab.startPosition).sub(grab.startMid).applyQuaternion(turn).multiplyScalar(ratio).add(mid);
  grab.model.quaternion.copy(turn).multiply(grab.startQuaternion);
  grab.model.scale.setScalar(scale);
}
