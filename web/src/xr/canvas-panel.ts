import { CanvasTexture, DoubleSide, Matrix4, Mesh, MeshBasicMaterial, PlaneGeometry, SRGBColorSpace, Vector3 } from 'three';

/**
 * A flat in-world panel whose face is a 2D canvas: vital signs, prompts,
 * menus and labels. The canvas is redrawn only when its content changes
 * (`redrawPanel`), never per frame; one draw call per panel.
 */
export interface CanvasPanel {
  mesh: Mesh<PlaneGeometry, MeshBasicMaterial>;
  context: CanvasRenderingContext2D;
  texture: CanvasTexture;
  widthPx: number;
  heightPx: number;
  widthM: number;
  heightM: number;
}

export function createCanvasPanel(widthPx: number, heightPx: number, widthM: number): CanvasPanel {
  const canvas = document.createElement('canvas');
  canvas.width = widthPx;
  canvas.height = heightPx;
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('this browser has no 2D canvas for in-world panels');
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  const heightM = (widthM * heightPx) / widthPx;
  const material = new MeshBasicMaterial({ map: texture, transparent: true, side: DoubleSide, toneMapped: false });
  const mesh = new Mesh(new PlaneGeometry(widthM, heightM), material);
  return { mesh, context, texture, widthPx, heightPx, widthM, heightM };
}

export function redrawPanel(panel: CanvasPanel, draw: (context: CanvasRenderingContext2D, width: number, height: number) => void): void {
  panel.context.clearRect(0, 0, panel.widthPx, panel.heightPx);
  draw(panel.context, panel.widthPx, panel.heightPx);
  panel.texture.needsUpdate = true;
}

export function disposeCanvasPanel(panel: CanvasPanel): void {
  panel.mesh.removeFromParent();
  panel.mesh.geometry.dispose();
  panel.mesh.material.dispose();
  panel.texture.dispose();
}

const inverse = new Matrix4();
const localOrigin = new Vector3();
const localDirection = new Vector3();

/**
 * Where a world ray crosses the panel's face, as canvas pixels in `out`
 * (x right, y down); returns the distance along the ray in world units, or
 * Infinity when the ray misses or the panel is hidden. Allocates nothing.
 */
export function rayToPanelPixel(panel: CanvasPanel, origin: Vector3, direction: Vector3, out: { x: number; y: number }): number {
  if (!isShown(panel.mesh)) return Number.POSITIVE_INFINITY;
  inverse.copy(panel.mesh.matrixWorld).invert();
  localOrigin.copy(origin).applyMatrix4(inverse);
  localDirection.copy(direction).transformDirection(inverse);
  if (Math.abs(localDirection.z) < 1e-6) return Number.POSITIVE_INFINITY;
  const t = -localOrigin.z / localDirection.z;
  if (t < 0) return Number.POSITIVE_INFINITY;
  const x = localOrigin.x + t * localDirection.x;
  const y = localOrigin.y + t * localDirection.y;
  if (Math.abs(x) > panel.widthM / 2 || Math.abs(y) > panel.heightM / 2) return Number.POSITIVE_INFINITY;
  out.x = (x / panel.widthM + 0.5) * panel.widthPx;
  out.y = (0.5 - y / panel.heightM) * panel.heightPx;
  // The local distance is scaled; measure it in world units instead.
  localOrigin.set(x, y, 0).applyMatrix4(panel.mesh.matrixWorld);
  return localOrigin.distanceTo(origin);
}

function isShown(object: { visible: boolean; parent: { visible: boolean; parent: unknown } | null }): boolean {
  let current: { visible: boolean; parent: unknown } | null = object;
  while (current !== null && current !== undefined) {
    if (!current.visible) return false;
    current = current.parent as { visible: boolean; parent: unknown } | null;
  }
  return true;
}
