import { Plane, Raycaster, Vector2, Vector3, type Camera, type Intersection, type Object3D } from 'three';
import { TABLE_TOP_Y } from './sandbox-room';

// How high above the table a carried body travels, so it clears the others.
const CARRY_HEIGHT_ABOVE_TABLE = 0.2;

/** The right hand as the desktop pointer drives it. */
export interface DesktopHand {
  position: Vector3;
  grip: boolean;
}

/**
 * Pointer down on a body: the hand goes to the picked point and grips.
 * Pointer move: the hand follows the pointer on the horizontal plane at the
 * pick height, lifted above the table so the body is carried. Pointer up:
 * the grip is released where the hand is.
 * Returns a function that removes the listeners.
 */
export function attachDesktopHand(
  element: HTMLElement,
  camera: Camera,
  bodies: Object3D,
  hand: DesktopHand,
  onChange: () => void,
): () => void {
  const raycaster = new Raycaster();
  const pointer = new Vector2();
  const hits: Intersection[] = [];
  const pickPlane = new Plane(new Vector3(0, 1, 0), 0);
  const onPlane = new Vector3();
  let activePointer: number | null = null;

  const aim = (event: PointerEvent): void => {
    const rect = element.getBoundingClientRect();
    pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    raycaster.setFromCamera(pointer, camera);
  };

  const down = (event: PointerEvent): void => {
    if (event.button !== 0 || activePointer !== null) return;
    aim(event);
    hits.length = 0;
    raycaster.intersectObjects(bodies.children, false, hits);
    const hit = hits[0];
    if (hit === undefined) return;
    activePointer = event.pointerId;
    element.setPointerCapture(event.pointerId);
    pickPlane.constant = -hit.point.y;
    hand.position.copy(hit.point);
    hand.grip = true;
    event.preventDefault();
    // The grab owns this pointer: orbit controls (listening after us) must not turn the view.
    event.stopImmediatePropagation();
    onChange();
  };

  const move = (event: PointerEvent): void => {
    if (event.pointerId !== activePointer) return;
    aim(event);
    if (raycaster.ray.intersectPlane(pickPlane, onPlane) === null) return;
    hand.position.set(onPlane.x, Math.max(onPlane.y, TABLE_TOP_Y + CARRY_HEIGHT_ABOVE_TABLE), onPlane.z);
    onChange();
  };

  const up = (event: PointerEvent): void => {
    if (event.pointerId !== activePointer) return;
    activePointer = null;
    if (element.hasPointerCapture(event.pointerId)) element.releasePointerCapture(event.pointerId);
    hand.grip = false;
    onChange();
  };

  element.addEventListener('pointerdown', down);
  element.addEventListener('pointermove', move);
  element.addEventListener('pointerup', up);
  element.addEventListener('pointercancel', up);
  return () => {
    element.removeEventListener('pointerdown', down);
    element.removeEventListener('pointermove', move);
    element.removeEventListener('pointerup', up);
    element.removeEventListener('pointercancel', up);
  };
}
