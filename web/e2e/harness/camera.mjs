// The session view's desktop camera (src/xr/session-view.ts): at (0, 1.6, 0.6)
// looking at the table centre (0, 0.9, -0.6), 60 degrees vertical field of view.
// Used to aim the mouse at places on the table.

const EYE = [0, 1.6, 0.6];
const TARGET = [0, 0.9, -0.6];
const FOV_Y_DEGREES = 60;

const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const normalize = (a) => {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
};

/** Pixel (x, y) in a canvas of width x height where world point p appears. */
export function projectToCanvas(p, width, height) {
  const forward = normalize(sub(TARGET, EYE));
  const right = normalize(cross(forward, [0, 1, 0]));
  const up = cross(right, forward);
  const d = sub([p.x, p.y, p.z], EYE);
  const depth = dot(d, forward);
  const tanHalf = Math.tan((FOV_Y_DEGREES * Math.PI) / 360);
  const ndcX = dot(d, right) / (depth * tanHalf * (width / height));
  const ndcY = dot(d, up) / (depth * tanHalf);
  return { x: ((ndcX + 1) / 2) * width, y: ((1 - ndcY) / 2) * height };
}
