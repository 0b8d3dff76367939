import { rhythmLabel } from '../modules/emergency/monitor';
import { createCanvasPanel, redrawPanel, type CanvasPanel } from './canvas-panel';
import type { SessionBoard } from './session-board';

// In the sandbox room the panel stands behind the table, above head height
// of a seated user, angled towards where the user starts.
const PANEL_WIDTH_M = 0.9;
const PANEL_POSITION = { x: 0.75, y: 1.55, z: -1.2 } as const;
const PANEL_TURN_RADIANS = -0.45;

/** The in-world patient monitor: vital signs, rhythm and the latest prompts. */
export interface VitalsPanel {
  panel: CanvasPanel;
  shownVersion: number;
}

export function createVitalsPanel(): VitalsPanel {
  const panel = createCanvasPanel(768, 432, PANEL_WIDTH_M);
  panel.mesh.name = 'vitals-panel';
  panel.mesh.position.set(PANEL_POSITION.x, PANEL_POSITION.y, PANEL_POSITION.z);
  panel.mesh.rotation.y = PANEL_TURN_RADIANS;
  const vitals: VitalsPanel = { panel, shownVersion: -1 };
  return vitals;
}

/** Redraws when the board changed since the last call (cheap to call every frame). */
export function updateVitalsPanel(vitals: VitalsPanel, board: SessionBoard): void {
  if (board.version === vitals.shownVersion) return;
  vitals.shownVersion = board.version;
  redrawPanel(vitals.panel, (c, w, h) => drawMonitor(c, w, h, board));
}

function drawMonitor(c: CanvasRenderingContext2D, w: number, h: number, board: SessionBoard): void {
  const m = board.monitor;
  c.fillStyle = 'rgba(12, 16, 22, 0.92)';
  c.fillRect(0, 0, w, h);
  c.textBaseline = 'top';
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
  c.fillStyle = '#334155';
  c.fillRect(24, 222, w - 48, 2);
  c.font = '26px sans-serif';
  board.prompts.forEach((text, i) => {
    c.fillStyle = i === 0 ? '#fde68a' : '#94a3b8';
    c.fillText(clip(c, text, w - 48), 24, 240 + i * 40);
  });
  if (board.prompts.length === 0) {
    c.fillStyle = '#64748b';
    c.fillText('No prompts yet', 24, 240);
  }
}

function clip(c: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (c.measureText(text).width <= maxWidth) return text;
  let out = text;
  while (out.length > 1 && c.measureText(`${out}…`).width > maxWidth) out = out.slice(0, -1);
  return `${out}…`;
}
