import type { BoardSection, ModuleRoom } from '../module-ui';
import { applyVitals, emptyMonitor, isArrestRhythm, monitorReadout, rhythmLabel, type MonitorState } from './monitor';

/** The monitor's part at the top of the in-world board (768 px wide): two rows of readings. */
const MONITOR_HEIGHT_PX = 222;

/**
 * The emergency module's part of the room: the patient monitor on the
 * in-world board (vital signs and rhythm from the `vitals` events, above the
 * prompts), and the alarm when the rhythm turns to one without a pulse.
 */
export interface VitalsBoard extends ModuleRoom {
  readonly monitor: MonitorState;
  readonly board: BoardSection;
}

export function createVitalsBoard(): VitalsBoard {
  const monitor = emptyMonitor();
  return {
    monitor,
    event(event, context) {
      if (event.type !== 'vitals') return false;
      const wasArrest = isArrestRhythm(monitor.rhythm);
      applyVitals(monitor, event.payload, event.seq);
      if (context.live && !wasArrest && isArrestRhythm(monitor.rhythm)) context.cue({ kind: 'alarm' });
      return true;
    },
    board: {
      heightPx: MONITOR_HEIGHT_PX,
      hasContent: () => monitor.seq > 0,
      draw: (c) => drawMonitor(c, monitor),
    },
  };
}

function drawMonitor(c: CanvasRenderingContext2D, m: MonitorState): void {
  const cell = (label: string, value: string, colour: string, x: number, y: number): void => {
    c.fillStyle = '#9aa4b1';
    c.font = '22px sans-serif';
    c.fillText(label, x, y);
    c.fillStyle = colour;
    c.font = 'bold 56px sans-serif';
    c.fillText(value, x, y + 26);
  };
  const n = (value: number | null): string => (value === null ? '—' : String(Math.round(value)));
  cell('HR /min', n(m.heartRate), '#4ade80', 24, 20);
  cell('NIBP mmHg', m.systolic === null ? '—' : `${n(m.systolic)}/${n(m.diastolic)}`, '#f87171', 270, 20);
  cell('SpO₂ %', n(m.spo2), '#60a5fa', 24, 120);
  cell('RR /min', n(m.respRate), '#facc15', 270, 120);
  cell('EtCO₂ mmHg', n(m.etco2), '#e5e7eb', 520, 120);
  c.fillStyle = '#e5e7eb';
  c.font = 'bold 30px sans-serif';
  c.fillText(rhythmLabel(m.rhythm), 520, 40);
  const code = monitorReadout(m).code;
  if (code !== '') {
    c.fillStyle = '#fbbf24';
    c.font = 'bold 22px sans-serif';
    c.fillText(code, 520, 80);
  }
}
