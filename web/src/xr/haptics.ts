/**
 * Controller vibration through the Gamepad's haptic actuators (WebXR
 * Gamepads Module; `hapticActuators[0].pulse` on Quest browsers, the
 * `vibrationActuator` effect elsewhere). A tracked bare hand has none.
 */

interface PulseActuator {
  pulse(intensity: number, durationMs: number): Promise<boolean>;
}

export interface HapticPulse {
  /** 0..1 */
  intensity: number;
  durationMs: number;
}

// Contact forces below this are not felt (resting a tool on tissue); the
// scale maps a firm grasp (about 10 N) to full strength.
export const CONTACT_FORCE_THRESHOLD_N = 0.5;
export const CONTACT_FORCE_FULL_N = 10;
const CONTACT_PULSE_MS = 20;

/**
 * The pulse for a contact force the server reports, or null below the
 * threshold. Linear in force, clamped to 1: what a hand feels grows with
 * force, and short pulses sent at the snapshot rate blend into a steady buzz.
 */
export function contactForcePulse(forceN: number): HapticPulse | null {
  if (!Number.isFinite(forceN) || forceN < CONTACT_FORCE_THRESHOLD_N) return null;
  return { intensity: Math.min(1, forceN / CONTACT_FORCE_FULL_N), durationMs: CONTACT_PULSE_MS };
}

/** A short click when a hand grabs (stronger) or releases (weaker) a body. */
export const GRAB_PULSE: HapticPulse = { intensity: 0.6, durationMs: 40 };
export const RELEASE_PULSE: HapticPulse = { intensity: 0.25, durationMs: 25 };
export const HOVER_PULSE: HapticPulse = { intensity: 0.1, durationMs: 10 };

/** Vibrates the input source's controller; does nothing without an actuator. Returns whether it tried. */
export function vibrate(source: XRInputSource | null, pulse: HapticPulse): boolean {
  const gamepad = source?.gamepad as (Gamepad & { hapticActuators?: readonly unknown[] }) | undefined;
  const actuator = gamepad?.hapticActuators?.[0] as Partial<PulseActuator> | undefined;
  if (actuator?.pulse !== undefined) {
    actuator.pulse(pulse.intensity, pulse.durationMs).catch(() => undefined);
    return true;
  }
  const effect = gamepad?.vibrationActuator;
  if (effect !== undefined && effect !== null) {
    effect
      .playEffect('dual-rumble', { duration: pulse.durationMs, strongMagnitude: pulse.intensity, weakMagnitude: pulse.intensity })
      .catch(() => undefined);
    return true;
  }
  return false;
}

/** What contact vibration did so far (a test figure; updated in place). */
export interface ContactVibration {
  /** Snapshots that carried hand forces. */
  snapshots: number;
  /** Pulses sent to controllers. */
  pulses: number;
  leftN: number;
  rightN: number;
}

export function createContactVibration(): ContactVibration {
  return { snapshots: 0, pulses: 0, leftN: 0, rightN: 0 };
}

/**
 * Vibrates each controller by the contact force on the instrument it holds,
 * once per snapshot (the server sends forces only to the participant holding
 * instruments; null otherwise).
 */
export function vibrateContacts(
  forces: { leftN: number; rightN: number } | null,
  left: XRInputSource | null,
  right: XRInputSource | null,
  record: ContactVibration,
): void {
  if (forces === null) return;
  record.snapshots += 1;
  record.leftN = forces.leftN;
  record.rightN = forces.rightN;
  const leftPulse = contactForcePulse(forces.leftN);
  if (leftPulse !== null && vibrate(left, leftPulse)) record.pulses += 1;
  const rightPulse = contactForcePulse(forces.rightN);
  if (rightPulse !== null && vibrate(right, rightPulse)) record.pulses += 1;
}
