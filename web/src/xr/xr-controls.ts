import { Ray, Vector3, type Box3, type Mesh, type MeshLambertMaterial, type Object3D, type WebXRManager } from 'three';
import { attachHandVisual, createHandVisual, disposeHandVisual, updateHandVisual, type HandVisual } from './hand-visuals';
import { HOVER_PULSE, vibrate } from './haptics';
import { recentre, setPosture, snapTurn, SNAP_TURN_RADIANS, teleport, type PlayerRig } from './player-rig';
import { aimPointer, attachPointerRay, createPointerRay, disposePointerRay, showPointerHit, type PointerRay } from './pointer-ray';
import { nearestMeshOnRay, rayFloorDistance } from './ray-targets';
import { createTrackedHands, isTracked, readTrackedHands, type TrackedHands } from './tracked-hands';
import {
  attachWristMenu,
  chooseHovered,
  createWristMenu,
  pointAtWristMenu,
  updateWristMenu,
  type WristMenu,
  type WristMenuItem,
} from './wrist-menu';
import { disposeCanvasPanel } from './canvas-panel';

/** The room's walkable floor: a disc around the origin (the sandbox floor is 8 m square). */
const FLOOR_RADIUS_M = 3.8;
const SNAP_TURN_DEADZONE = 0.7;
const HOVER_GLOW = 0x303848;

export interface XrControlsOptions {
  xr: WebXRManager;
  scene: Object3D;
  rig: PlayerRig;
  /** The viewer's head, in the rig (src/xr/viewer-pose.ts). */
  head: Object3D;
  /** Meshes the pointer hovers (the server's bodies); read every frame, not copied. */
  hoverable: readonly Object3D[];
  /** Furniture the teleport ray cannot pass through (the table), world boxes. */
  teleportBlockers?: readonly Box3[];
  /** Shows or hides the in-world panels (a wrist menu row). */
  togglePanels(): void;
  panelsShown(): boolean;
  /** Ends the immersive session (a wrist menu row). */
  exit(): void;
  /** The trigger was pulled with the pointer on a hoverable mesh (picking, measuring). */
  select?(mesh: Mesh, origin: Vector3, direction: Vector3): void;
  /** More wrist menu rows, after posture and panels. */
  menuItems?: readonly WristMenuItem[];
}

/**
 * Everything the headset user does with their hands, apart from what the
 * server decides: controller and hand models, the right hand's pointer ray
 * with hover, teleport by pointing at the floor and pulling the trigger,
 * snap turns on the right thumbstick, and the wrist menu. Grabbing is the
 * server's: the grip button goes up in INPUT frames.
 */
export interface XrControls {
  hands: TrackedHands;
  visuals: { left: HandVisual; right: HandVisual };
  pointer: PointerRay;
  menu: WristMenu;
  /** The body the right pointer is on, or null. */
  hovered: Mesh | null;
  /** Teleports taken this session (read by tests). */
  teleports: number;
  turnArmed: boolean;
  options: XrControlsOptions;
}

export function createXrControls(options: XrControlsOptions): XrControls {
  const hands = createTrackedHands(options.xr, options.rig.group);
  const controls: XrControls = {
    hands,
    visuals: { left: createHandVisual(), right: createHandVisual() },
    pointer: createPointerRay(),
    menu: createWristMenu([]),
    hovered: null,
    teleports: 0,
    turnArmed: true,
    options,
  };
  controls.menu = createWristMenu([
    {
      id: 'posture',
      label: () => (options.rig.posture === 'seated' ? 'Mode: seated' : 'Mode: standing'),
      choose: () => {
        const headHeight = headHeightAboveRig(options.head, options.rig);
        setPosture(options.rig, options.rig.posture === 'seated' ? 'standing' : 'seated', headHeight);
      },
    },
    { id: 'panels', label: () => (options.panelsShown() ? 'Hide panels' : 'Show panels'), choose: options.togglePanels },
    ...(options.menuItems ?? []),
    { id: 'recentre', label: () => 'Back to start', choose: () => recentre(options.rig) },
    { id: 'exit', label: () => 'Exit VR', choose: options.exit },
  ]);
  return controls;
}

const rayHit = { distance: 0 };

/** One frame of hand interaction, before the scene is rendered. Allocates nothing. */
export function updateXrControls(controls: XrControls): void {
  const { hands, visuals, pointer, menu, options } = controls;
  readTrackedHands(hands);
  attachHandVisual(visuals.left, hands.left, options.rig.group);
  attachHandVisual(visuals.right, hands.right, options.rig.group);
  updateHandVisual(visuals.left, hands.left);
  updateHandVisual(visuals.right, hands.right);
  attachWristMenu(menu, hands.left.grip);
  updateWristMenu(menu, hands.left.grip, isTracked(hands.left), options.head, hands.left.menuPressed);

  const right = hands.right;
  attachPointerRay(pointer, right.ray, options.scene);
  if (!isTracked(right)) {
    setHovered(controls, null);
    return;
  }
  aimPointer(pointer, right.ray);
  const menuDistance = pointAtWristMenu(menu, pointer.origin, pointer.direction);
  if (Number.isFinite(menuDistance)) {
    setHovered(controls, null);
    showPointerHit(pointer, menuDistance, 'hover', false);
    if (right.triggerPressed) chooseHovered(menu);
    return;
  }
  const index = nearestMeshOnRay(options.hoverable as readonly Mesh[], pointer.origin, pointer.direction, rayHit);
  if (index >= 0) {
    const mesh = options.hoverable[index] as Mesh;
    setHovered(controls, mesh);
    showPointerHit(pointer, rayHit.distance, 'hover', false);
    if (right.triggerPressed) options.select?.(mesh, pointer.origin, pointer.direction);
    return;
  }
  setHovered(controls, null);
  const floorY = options.rig.group.position.y - options.rig.lift;
  let floorDistance = rayFloorDistance(pointer.origin, pointer.direction, floorY, FLOOR_RADIUS_M);
  if (blocked(options.teleportBlockers, pointer.origin, pointer.direction, floorDistance)) floorDistance = Number.POSITIVE_INFINITY;
  showPointerHit(pointer, floorDistance, Number.isFinite(floorDistance) ? 'teleport' : 'none', true);
  if (right.triggerPressed && Number.isFinite(floorDistance)) {
    teleport(options.rig, options.head, pointer.reticle.position);
    controls.teleports += 1;
  }
  snapTurnOnStick(controls);
}

const ray = new Ray();
const blockHit = new Vector3();

/** Something stands between the hand and the floor point (no teleporting under the table). */
function blocked(blockers: readonly Box3[] | undefined, origin: Vector3, direction: Vector3, floorDistance: number): boolean {
  if (blockers === undefined || !Number.isFinite(floorDistance)) return false;
  ray.origin.copy(origin);
  ray.direction.copy(direction);
  for (const box of blockers) {
    if (ray.intersectBox(box, blockHit) !== null && blockHit.distanceTo(origin) < floorDistance) return true;
  }
  return false;
}

function snapTurnOnStick(controls: XrControls): void {
  const x = controls.hands.right.thumbstickX;
  if (Math.abs(x) < SNAP_TURN_DEADZONE / 2) controls.turnArmed = true;
  if (!controls.turnArmed || Math.abs(x) < SNAP_TURN_DEADZONE) return;
  controls.turnArmed = false;
  snapTurn(controls.options.rig, controls.options.head, x > 0 ? -SNAP_TURN_RADIANS : SNAP_TURN_RADIANS);
}

function setHovered(controls: XrControls, mesh: Mesh | null): void {
  if (controls.hovered === mesh) return;
  if (controls.hovered !== null) glow(controls.hovered, 0x000000);
  controls.hovered = mesh;
  if (mesh !== null) {
    glow(mesh, HOVER_GLOW);
    vibrate(controls.hands.right.source, HOVER_PULSE);
  }
}

function glow(mesh: Mesh, colour: number): void {
  const material = mesh.material as MeshLambertMaterial;
  if ('emissive' in material) material.emissive.setHex(colour);
}

const headPosition = new Vector3();

function headHeightAboveRig(head: Object3D, rig: PlayerRig): number {
  head.getWorldPosition(headPosition);
  return headPosition.y - rig.group.position.y;
}

export function disposeXrControls(controls: XrControls): void {
  setHovered(controls, null);
  disposeHandVisual(controls.visuals.left);
  disposeHandVisual(controls.visuals.right);
  disposePointerRay(controls.pointer);
  disposeCanvasPanel(controls.menu.panel);
  controls.hands.dispose();
}
