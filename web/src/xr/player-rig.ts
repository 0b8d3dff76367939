import { Group, Vector3, type Object3D } from 'three';

/** Eye height the seated mode lifts a seated user to, metres. */
export const STANDING_EYE_HEIGHT = 1.6;
// A seated user is lifted at most this much (a very short or reclined user
// still sees the table from above, not from inside it).
const MAX_SEATED_LIFT = 0.8;
/** Snap turn step: comfort guidance for VR favours fixed steps over smooth turning. */
export const SNAP_TURN_RADIANS = Math.PI / 6;

export type Posture = 'standing' | 'seated';

/**
 * The player rig: the group that holds the camera and both hands. The
 * headset tracks poses relative to the rig (WebXR `local-floor`: origin on
 * the floor where the session started); teleporting, turning and the seated
 * lift move the rig, never the world, so the server sees every pose in its
 * own world coordinates.
 */
export interface PlayerRig {
  group: Group;
  posture: Posture;
  /** Vertical lift of the seated mode, metres. */
  lift: number;
}

export function createPlayerRig(camera: Object3D): PlayerRig {
  const group = new Group();
  group.name = 'player-rig';
  group.add(camera);
  return { group, posture: 'standing', lift: 0 };
}

const scratchHead = new Vector3();

/**
 * Seated mode: lift the rig so the seated user's eyes are at standing
 * height, measured from the head's current height above the rig.
 * Standing mode: no lift.
 */
export function setPosture(rig: PlayerRig, posture: Posture, headHeightAboveFloor: number): void {
  rig.posture = posture;
  rig.lift = posture === 'seated' ? seatedLift(headHeightAboveFloor) : 0;
  rig.group.position.y = rig.lift;
  rig.group.updateMatrixWorld();
}

export function seatedLift(headHeightAboveFloor: number): number {
  return Math.min(MAX_SEATED_LIFT, Math.max(0, STANDING_EYE_HEIGHT - headHeightAboveFloor));
}

/**
 * Moves the rig so the head stands above `target` (a point on the floor);
 * the head's offset inside the rig (where the user stands in the room) is kept.
 */
export function teleport(rig: PlayerRig, head: Object3D, target: Vector3): void {
  head.getWorldPosition(scratchHead);
  rig.group.position.x += target.x - scratchHead.x;
  rig.group.position.z += target.z - scratchHead.z;
  rig.group.position.y = target.y + rig.lift;
  rig.group.updateMatrixWorld();
}

/** Turns the rig by `radians` about the vertical line through the head. */
export function snapTurn(rig: PlayerRig, head: Object3D, radians: number): void {
  head.getWorldPosition(scratchHead);
  const g = rig.group;
  const dx = g.position.x - scratchHead.x;
  const dz = g.position.z - scratchHead.z;
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  g.position.x = scratchHead.x + c * dx + s * dz;
  g.position.z = scratchHead.z - s * dx + c * dz;
  g.rotation.y += radians;
  g.updateMatrixWorld();
}

/** Back to where the session started: no teleport, no turn (the seated lift stays). */
export function recentre(rig: PlayerRig): void {
  rig.group.position.set(0, rig.lift, 0);
  rig.group.rotation.set(0, 0, 0);
  rig.group.updateMatrixWorld();
}
