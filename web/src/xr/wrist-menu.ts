import { Matrix4, Quaternion, Vector3, type Object3D } from 'three';
import { createCanvasPanel, rayToPanelPixel, redrawPanel, type CanvasPanel } from './canvas-panel';

/** One row of the wrist menu; `label` is read when the menu is redrawn. */
export interface WristMenuItem {
  id: string;
  label(): string;
  choose(): void;
}

/**
 * A small menu on the left wrist. It shows when the inside of the wrist
 * turns towards the eyes (as one looks at a watch) or when the menu button
 * (X) pins it; the right hand's pointer ray hovers and selects its rows.
 * While shown it floats just above the wrist and faces the eyes upright,
 * so it reads the same however the hand is turned.
 */
export interface WristMenu {
  panel: CanvasPanel;
  items: readonly WristMenuItem[];
  hovered: number;
  pinned: boolean;
  drawnHover: number;
  /** Set when a label may have changed; the menu redraws on its next update. */
  dirty: boolean;
}

const ROW_PX = 64;
const WIDTH_PX = 320;
const WIDTH_M = 0.14;
// Cosine of the largest angle between the wrist's inner side and the eyes at which the menu shows.
const FACING_COS = 0.35;

export function createWristMenu(items: readonly WristMenuItem[]): WristMenu {
  const panel = createCanvasPanel(WIDTH_PX, ROW_PX * items.length + 16, WIDTH_M);
  panel.mesh.name = 'wrist-menu';
  // Placed each frame it shows (faceTheEyes).
  panel.mesh.visible = false;
  return { panel, items, hovered: -1, pinned: false, drawnHover: -2, dirty: true };
}

export function attachWristMenu(menu: WristMenu, grip: Object3D): void {
  if (menu.panel.mesh.parent !== grip) grip.add(menu.panel.mesh);
}

const wrist = new Vector3();
const inner = new Vector3();
const toEyes = new Vector3();

/** Shows or hides the menu for this frame's left-hand and head poses. */
export function updateWristMenu(menu: WristMenu, grip: Object3D, gripTracked: boolean, head: Object3D, togglePressed: boolean): void {
  if (togglePressed) menu.pinned = !menu.pinned;
  let show = false;
  if (gripTracked) {
    grip.getWorldPosition(wrist);
    head.getWorldPosition(toEyes).sub(wrist).normalize();
    // The left grip's +X points from the palm side of the wrist to the thumb side, towards the body's midline.
    inner.set(1, 0, 0).transformDirection(grip.matrixWorld);
    show = menu.pinned || inner.dot(toEyes) > FACING_COS;
  }
  menu.panel.mesh.visible = show;
  if (show) faceTheEyes(menu.panel.mesh, grip, head);
  else menu.hovered = -1;
  redrawIfChanged(menu);
}

// How far above the wrist the menu's centre floats, metres: clear of the hand, within a glance.
const ABOVE_WRIST_M = 0.1;
const UP = new Vector3(0, 1, 0);
const panelAt = new Vector3();
const eyes = new Vector3();
const facing = new Matrix4();
const worldTurn = new Quaternion();
const gripTurn = new Quaternion();

/**
 * Puts the panel (a child of the grip) above the wrist, its face (+Z)
 * towards the eyes and its rows level, by giving it the grip-local pose
 * of that world pose. Allocates nothing.
 */
function faceTheEyes(panel: Object3D, grip: Object3D, head: Object3D): void {
  grip.getWorldPosition(panelAt);
  panelAt.y += ABOVE_WRIST_M;
  head.getWorldPosition(eyes);
  // Matrix4.lookAt(eye, target, up) turns +Z from target towards eye: from the panel to the eyes.
  facing.lookAt(eyes, panelAt, UP);
  worldTurn.setFromRotationMatrix(facing);
  grip.getWorldQuaternion(gripTurn).invert();
  panel.quaternion.copy(gripTurn).multiply(worldTurn);
  panel.position.copy(grip.worldToLocal(panelAt));
  // The pointer tests the panel this frame, before the renderer updates world matrices.
  panel.updateMatrixWorld();
}

const pixel = { x: 0, y: 0 };

/** Points a world ray at the menu: sets `hovered` and returns the hit distance (Infinity on a miss). */
export function pointAtWristMenu(menu: WristMenu, origin: Vector3, direction: Vector3): number {
  const distance = rayToPanelPixel(menu.panel, origin, direction, pixel);
  const row = Number.isFinite(distance) ? Math.floor((pixel.y - 8) / ROW_PX) : -1;
  menu.hovered = row >= 0 && row < menu.items.length ? row : -1;
  return menu.hovered >= 0 ? distance : Number.POSITIVE_INFINITY;
}

/** The world position of a row's centre (where a pointer aims to choose it), in `target`. */
export function wristMenuRowCentre(menu: WristMenu, row: number, target: Vector3): Vector3 {
  const { panel } = menu;
  const yPx = 8 + (row + 0.5) * ROW_PX;
  target.set(0, (0.5 - yPx / panel.heightPx) * panel.heightM, 0);
  panel.mesh.updateWorldMatrix(true, false);
  return target.applyMatrix4(panel.mesh.matrixWorld);
}

/** Runs the hovered row's action; true when there was one. */
export function chooseHovered(menu: WristMenu): boolean {
  const item = menu.items[menu.hovered];
  if (item === undefined) return false;
  item.choose();
  menu.dirty = true;
  return true;
}

function redrawIfChanged(menu: WristMenu): void {
  if (!menu.panel.mesh.visible) return;
  if (!menu.dirty && menu.hovered === menu.drawnHover) return;
  menu.dirty = false;
  menu.drawnHover = menu.hovered;
  redrawPanel(menu.panel, (c, w) => {
    c.fillStyle = 'rgba(20, 26, 34, 0.9)';
    c.fillRect(0, 0, w, menu.panel.heightPx);
    c.font = '30px sans-serif';
    c.textBaseline = 'middle';
    menu.items.forEach((item, i) => {
      const y = 8 + i * ROW_PX;
      c.fillStyle = i === menu.hovered ? '#2f7de1' : '#2a3340';
      c.fillRect(8, y + 4, w - 16, ROW_PX - 8);
      c.fillStyle = '#f1f5f9';
      c.fillText(item.label(), 24, y + ROW_PX / 2);
    });
  });
}
