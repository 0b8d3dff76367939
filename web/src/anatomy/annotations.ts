import {
  BufferGeometry,
  CanvasTexture,
  Float32BufferAttribute,
  Group,
  Line,
  LineBasicMaterial,
  Mesh,
  MeshBasicMaterial,
  SphereGeometry,
  SRGBColorSpace,
  Sprite,
  SpriteMaterial,
  type Vector3,
} from 'three';
import { formatMm } from './measurement';

/**
 * What the user marks on a model: the label of the picked structure, and
 * a measurement (two points, a line, the distance). Labels are sprites
 * (they face the viewer) drawn over the model so they are never hidden.
 * Built on a pick, not per frame.
 */
export interface Annotations {
  group: Group;
  label: Sprite | null;
  points: Mesh[];
  line: Line<BufferGeometry, LineBasicMaterial>;
  distance: Sprite | null;
}

const LABEL_HEIGHT_M = 0.025;
const POINT_RADIUS_M = 0.003;

export function createAnnotations(): Annotations {
  const group = new Group();
  group.name = 'annotations';
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(new Float32Array(6), 3));
  const line = new Line(geometry, new LineBasicMaterial({ color: 0xfacc15, depthTest: false }));
  line.visible = false;
  line.renderOrder = 10;
  group.add(line);
  return { group, label: null, points: [], line, distance: null };
}

/** Labels the picked structure at the picked point (replaces the last label). */
export function showLabel(a: Annotations, text: string, at: Vector3): void {
  if (a.label !== null) disposeSprite(a.label);
  a.label = textSprite(text, '#0f172a', '#f8fafc');
  a.label.position.copy(at);
  a.label.center.set(0.5, -0.4);
  a.group.add(a.label);
}

/**
 * Adds a measurement point; the second point completes the measurement
 * and shows `mm`; a third starts a new one.
 */
export function addMeasurePoint(a: Annotations, at: Vector3, mmBetween: (p: Vector3, q: Vector3) => number): number | null {
  if (a.points.length === 2) clearMeasurement(a);
  const point = new Mesh(new SphereGeometry(POINT_RADIUS_M, 12, 8), new MeshBasicMaterial({ color: 0xfacc15, depthTest: false }));
  point.renderOrder = 10;
  point.position.copy(at);
  a.points.push(point);
  a.group.add(point);
  if (a.points.length < 2) return null;
  const [p, q] = [a.points[0]!.position, a.points[1]!.position];
  const positions = a.line.geometry.getAttribute('position') as Float32BufferAttribute;
  positions.setXYZ(0, p.x, p.y, p.z);
  positions.setXYZ(1, q.x, q.y, q.z);
  positions.needsUpdate = true;
  a.line.geometry.computeBoundingSphere();
  a.line.visible = true;
  const mm = mmBetween(p, q);
  a.distance = textSprite(formatMm(mm), '#422006', '#fde68a');
  a.distance.position.copy(p).add(q).multiplyScalar(0.5);
  a.group.add(a.distance);
  return mm;
}

export function clearMeasurement(a: Annotations): void {
  for (const point of a.points) {
    point.removeFromParent();
    point.geometry.dispose();
    (point.material as MeshBasicMaterial).dispose();
  }
  a.points.length = 0;
  a.line.visible = false;
  if (a.distance !== null) disposeSprite(a.distance);
  a.distance = null;
}

export function disposeAnnotations(a: Annotations): void {
  clearMeasurement(a);
  if (a.label !== null) disposeSprite(a.label);
  a.line.geometry.dispose();
  a.line.material.dispose();
  a.group.removeFromParent();
}

function textSprite(text: string, background: string, colour: string): Sprite {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (context === null) throw new Error('this browser has no 2D canvas for labels');
  const font = 'bold 40px sans-serif';
  context.font = font;
  canvas.width = Math.ceil(context.measureText(text).width) + 32;
  canvas.height = 64;
  context.font = font;
  context.fillStyle = background;
  context.globalAlpha = 0.85;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.globalAlpha = 1;
  context.fillStyle = colour;
  context.textBaseline = 'middle';
  context.fillText(text, 16, canvas.height / 2);
  const texture = new CanvasTexture(canvas);
  texture.colorSpace = SRGBColorSpace;
  const sprite = new Sprite(new SpriteMaterial({ map: texture, depthTest: false }));
  sprite.renderOrder = 11;
  sprite.scale.set((LABEL_HEIGHT_M * canvas.width) / canvas.height, LABEL_HEIGHT_M, 1);
  sprite.name = `label: ${text}`;
  return sprite;
}

function disposeSprite(sprite: Sprite): void {
  sprite.removeFromParent();
  sprite.material.map?.dispose();
  sprite.material.dispose();
}
