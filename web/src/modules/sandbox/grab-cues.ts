import type { ModuleRoom } from '../module-ui';

/**
 * The sandbox's part of the room: a short vibration on the controller whose
 * grip took hold of a body (`grab`) or let it go (`release`, docs/events.md),
 * for this participant's own hands only, and only for live events.
 */
export function createGrabCues(): ModuleRoom {
  return {
    event(event, context) {
      if (event.type !== 'grab' && event.type !== 'release') return false;
      const p = event.payload;
      if (context.live && p['participant'] === context.participant && (p['hand'] === 0 || p['hand'] === 1)) {
        context.cue({ kind: 'grab', hand: p['hand'] === 0 ? 'left' : 'right', held: event.type === 'grab' });
      }
      return false;
    },
  };
}
