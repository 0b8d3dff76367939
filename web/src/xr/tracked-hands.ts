import type { Group, WebXRManager, XRGripSpace, XRHandSpace, XRTargetRaySpace } from 'three';

export type Handedness = 'left' | 'right';

/**
 * One hand as the headset tracks it: a controller or a tracked hand. The
 * three.js spaces are children of the player rig, so their world poses are
 * in the server's world (metres, +Y up). Fields are rewritten in place every
 * frame by `readTrackedHands`; nothing is allocated per frame.
 */
export interface TrackedHand {
  handedness: Handedness;
  /** Where the hand holds things (grip space); drives the hand pose sent to the server. */
  grip: XRGripSpace;
  /** Where the hand points (target-ray space); drives the pointer ray. */
  ray: XRTargetRaySpace;
  /** Articulated joints when the browser tracks bare hands. */
  hand: XRHandSpace;
  source: XRInputSource | null;
  /** A bare tracked hand rather than a controller. */
  isHand: boolean;
  trigger: boolean;
  squeeze: boolean;
  /** The lower face button (A or X): opens and closes the wrist menu. */
  menuButton: boolean;
  thumbstickX: number;
  thumbstickY: number;
  /** Edges since the previous frame. */
  triggerPressed: boolean;
  squeezePressed: boolean;
  squeezeReleased: boolean;
  menuPressed: boolean;
}

export interface TrackedHands {
  left: TrackedHand;
  right: TrackedHand;
  /** Where bare hands' grip poses are read from (see readHandGrip). */
  xr: WebXRManager;
  /** Removes the listeners and the spaces from the rig. */
  dispose(): void;
}

// xr-standard gamepad mapping (WebXR Gamepads Module, section 3.3).
const BUTTON_TRIGGER = 0;
const BUTTON_SQUEEZE = 1;
const BUTTON_PRIMARY_FACE = 4;
const AXIS_THUMBSTICK_X = 2;
const AXIS_THUMBSTICK_Y = 3;

/**
 * Creates the two hands' spaces under `rig`. three.js numbers its
 * controllers in the order the input sources connect; the `connected`
 * event says which hand each one is, so the slots are re-bound there.
 */
export function createTrackedHands(xr: WebXRManager, rig: Group): TrackedHands {
  const slots = [0, 1].map((index) => ({
    grip: xr.getControllerGrip(index),
    ray: xr.getController(index),
    hand: xr.getHand(index),
  }));
  const left = emptyHand('left', slots[0]!);
  const right = emptyHand('right', slots[1]!);
  const listeners: Array<() => void> = [];

  for (const slot of slots) {
    rig.add(slot.grip, slot.ray, slot.hand);
    const connected = (event: { data: XRInputSource }): void => {
      const source = event.data;
      if (source.handedness !== 'left' && source.handedness !== 'right') return;
      const target = source.handedness === 'left' ? left : right;
      target.grip = slot.grip;
      target.ray = slot.ray;
      target.hand = slot.hand;
      target.source = source;
      target.isHand = source.hand !== undefined && source.hand !== null;
    };
    const disconnected = (event: { data: XRInputSource }): void => {
      for (const target of [left, right]) {
        if (target.source === event.data) releaseAll(target);
      }
    };
    slot.ray.addEventListener('connected', connected);
    slot.ray.addEventListener('disconnected', disconnected);
    listeners.push(() => {
      slot.ray.removeEventListener('connected', connected);
      slot.ray.removeEventListener('disconnected', disconnected);
      rig.remove(slot.grip, slot.ray, slot.hand);
    });
  }

  return {
    left,
    right,
    xr,
    dispose() {
      for (const remove of listeners) remove();
    },
  };
}

/** Reads buttons and sticks of both hands for this frame. */
export function readTrackedHands(hands: TrackedHands): void {
  readHand(hands.left);
  readHand(hands.right);
  readHandGrip(hands.left, hands.xr);
  readHandGrip(hands.right, hands.xr);
}

/**
 * A bare hand's grip pose. three.js (WebXRController.update) reads a hand
 * input source's joints and never its gripSpace, so the grip group of a
 * tracked hand stays hidden and still; yet WebXR Hand Input gives hands a
 * gripSpace like a controller's (the fist's centre, -Z towards the thumb,
 * +X out of the back of the right hand and out of the palm of the left),
 * and everything held, the wrist menu and the clipping paddle hang on the
 * grip. So the grip is read here, as three.js reads a controller's.
 */
function readHandGrip(hand: TrackedHand, xr: WebXRManager): void {
  if (!hand.isHand || hand.source === null) return;
  const frame = xr.getFrame();
  const space = xr.getReferenceSpace();
  const gripSpace = hand.source.gripSpace;
  const pose = frame !== null && space !== null && gripSpace !== undefined ? frame.getPose(gripSpace, space) : undefined;
  hand.grip.visible = pose !== undefined && pose !== null;
  if (pose === undefined || pose === null) return;
  hand.grip.matrix.fromArray(pose.transform.matrix);
  hand.grip.matrix.decompose(hand.grip.position, hand.grip.quaternion, hand.grip.scale);
  hand.grip.matrixWorldNeedsUpdate = true;
}

function readHand(hand: TrackedHand): void {
  const wasTrigger = hand.trigger;
  const wasSqueeze = hand.squeeze;
  const wasMenu = hand.menuButton;
  const gamepad = hand.source?.gamepad;
  if (hand.source === null) {
    hand.trigger = false;
    hand.squeeze = false;
    hand.menuButton = false;
    hand.thumbstickX = 0;
    hand.thumbstickY = 0;
  } else if (hand.isHand) {
    // A pinch (thumb and index tips together; three.js tracks it) is the
    // hand's select, and also grips: the server grabs only near a body.
    const pinching = hand.hand.inputState.pinching;
    hand.trigger = pinching;
    hand.squeeze = pinching;
    hand.menuButton = false;
    hand.thumbstickX = 0;
    hand.thumbstickY = 0;
  } else if (gamepad !== undefined) {
    hand.trigger = gamepad.buttons[BUTTON_TRIGGER]?.pressed ?? false;
    hand.squeeze = gamepad.buttons[BUTTON_SQUEEZE]?.pressed ?? false;
    hand.menuButton = gamepad.buttons[BUTTON_PRIMARY_FACE]?.pressed ?? false;
    hand.thumbstickX = gamepad.axes[AXIS_THUMBSTICK_X] ?? 0;
    hand.thumbstickY = gamepad.axes[AXIS_THUMBSTICK_Y] ?? 0;
  }
  hand.triggerPressed = hand.trigger && !wasTrigger;
  hand.squeezePressed = hand.squeeze && !wasSqueeze;
  hand.squeezeReleased = !hand.squeeze && wasSqueeze;
  hand.menuPressed = hand.menuButton && !wasMenu;
}

/** The hand is tracked this frame (its grip pose is current). */
export function isTracked(hand: TrackedHand): boolean {
  return hand.source !== null && hand.grip.visible;
}

function emptyHand(handedness: Handedness, slot: { grip: XRGripSpace; ray: XRTargetRaySpace; hand: XRHandSpace }): TrackedHand {
  return {
    handedness,
    ...slot,
    source: null,
    isHand: false,
    trigger: false,
    squeeze: false,
    menuButton: false,
    thumbstickX: 0,
    thumbstickY: 0,
    triggerPressed: false,
    squeezePressed: false,
    squeezeReleased: false,
    menuPressed: false,
  };
}

function releaseAll(hand: TrackedHand): void {
  hand.source = null;
  hand.isHand = false;
}
