import type { BoardSection } from '../modules/module-ui';
import { createCanvasPanel, disposeCanvasPanel, redrawPanel, type CanvasPanel } from './canvas-panel';
import type { SessionBoard } from './session-board';

// In the room the board stands behind the table, above head height of a
// seated user, angled towards where the user starts.
const BOARD_WIDTH_PX = 768;
const BOARD_WIDTH_M = 0.9;
const BOARD_POSITION = { x: 0.75, y: 1.55, z: -1.2 } as const;
const BOARD_TURN_RADIANS = -0.45;
/** The prompts' part: an 18 px margin, PROMPT_LINES lines 40 px apart, and room below. */
const PROMPTS_HEIGHT_PX = 210;
const PROMPTS_MARGIN_PX = 18;
const PROMPT_LINE_PX = 40;

/**
 * The in-world board: the session's module's section on top, if it has one
 * (web/src/modules/<id>/, ModuleRoom.board), then the latest prompts and cues.
 */
export interface BoardPanel {
  panel: CanvasPanel;
  section: BoardSection | null;
  shownVersion: number;
}

export function createBoardPanel(section: BoardSection | null): BoardPanel {
  const panel = createCanvasPanel(BOARD_WIDTH_PX, (section?.heightPx ?? 0) + PROMPTS_HEIGHT_PX, BOARD_WIDTH_M);
  panel.mesh.name = 'board-panel';
  panel.mesh.position.set(BOARD_POSITION.x, BOARD_POSITION.y, BOARD_POSITION.z);
  panel.mesh.rotation.y = BOARD_TURN_RADIANS;
  return { panel, section, shownVersion: -1 };
}

/** Redraws when the board changed since the last call (cheap to call every frame). */
export function updateBoardPanel(view: BoardPanel, board: SessionBoard): void {
  if (board.version === view.shownVersion) return;
  view.shownVersion = board.version;
  redrawPanel(view.panel, (c, w, h) => drawBoard(c, w, h, view.section, board.prompts));
}

export function disposeBoardPanel(view: BoardPanel): void {
  disposeCanvasPanel(view.panel);
}

function drawBoard(c: CanvasRenderingContext2D, w: number, h: number, section: BoardSection | null, prompts: readonly string[]): void {
  c.fillStyle = 'rgba(12, 16, 22, 0.92)';
  c.fillRect(0, 0, w, h);
  c.textBaseline = 'top';
  let top = 0;
  if (section !== null) {
    top = section.heightPx;
    c.save();
    c.beginPath();
    c.rect(0, 0, w, top);
    c.clip();
    section.draw(c, w, top);
    c.restore();
    c.fillStyle = '#334155';
    c.fillRect(24, top, w - 48, 2);
  }
  c.font = '26px sans-serif';
  prompts.forEach((text, i) => {
    c.fillStyle = i === 0 ? '#fde68a' : '#94a3b8';
    c.fillText(clip(c, text, w - 48), 24, top + PROMPTS_MARGIN_PX + i * PROMPT_LINE_PX);
  });
  if (prompts.length === 0) {
    c.fillStyle = '#64748b';
    c.fillText('No prompts yet', 24, top + PROMPTS_MARGIN_PX);
  }
}

function clip(c: CanvasRenderingContext2D, text: string, maxWidth: number): string {
  if (c.measureText(text).width <= maxWidth) return text;
  let out = text;
  while (out.length > 1 && c.measureText(`${out}…`).width > maxWidth) out = out.slice(0, -1);
  return `${out}…`;
}
