import { describe, expect, it, vi } from 'vitest';
import { CONTACT_FORCE_FULL_N, contactForcePulse, createContactVibration, GRAB_PULSE, vibrate, vibrateContacts } from './haptics';

describe('haptics', () => {
  it('maps contact force to pulse strength, silent below the threshold and capped at 1', () => {
    expect(contactForcePulse(0.1)).toBeNull();
    expect(contactForcePulse(Number.NaN)).toBeNull();
    expect(contactForcePulse(CONTACT_FORCE_FULL_N / 2)?.intensity).toBeCloseTo(0.5);
    expect(contactForcePulse(100)?.intensity).toBe(1);
  });

  it('pulses the first haptic actuator of the controller', () => {
    const pulse = vi.fn(() => Promise.resolve(true));
    const source = { gamepad: { hapticActuators: [{ pulse }] } } as unknown as XRInputSource;
    expect(vibrate(source, GRAB_PULSE)).toBe(true);
    expect(pulse).toHaveBeenCalledWith(GRAB_PULSE.intensity, GRAB_PULSE.durationMs);
  });

  it('does nothing for a hand without actuators or no source', () => {
    expect(vibrate(null, GRAB_PULSE)).toBe(false);
    expect(vibrate({ gamepad: { hapticActuators: [] } } as unknown as XRInputSource, GRAB_PULSE)).toBe(false);
  });

  it('vibrates each controller by the contact force on its instrument, once per snapshot', () => {
    const left = vi.fn(() => Promise.resolve(true));
    const right = vi.fn(() => Promise.resolve(true));
    const source = (pulse: unknown) => ({ gamepad: { hapticActuators: [{ pulse }] } }) as unknown as XRInputSource;
    const record = createContactVibration();
    vibrateContacts({ leftN: 0.1, rightN: 5 }, source(left), source(right), record);
    expect(left).not.toHaveBeenCalled(); // below the threshold
    expect(right).toHaveBeenCalledWith(0.5, expect.any(Number));
    expect(record).toEqual({ snapshots: 1, pulses: 1, leftN: 0.1, rightN: 5 });
    vibrateContacts(null, source(left), source(right), record); // holds no instruments
    expect(record.snapshots).toBe(1);
    expect(right).toHaveBeenCalledTimes(1);
  });
});
