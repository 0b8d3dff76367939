// Finding coloured bodies in a screenshot: connected regions of strongly
// saturated pixels with a consistent hue. The room (background, floor, table)
// is light and unsaturated by design, so only bodies pass the threshold.

import { PNG } from 'pngjs';

const MIN_SATURATION = 0.45;
const MIN_VALUE = 60;
const SAME_HUE_DEGREES = 24;
const MIN_AREA = 30;

export function decodePng(buffer) {
  return PNG.sync.read(buffer);
}

/** Regions of saturated pixels: { hue, area, cx, cy, minX, maxX, minY, maxY }, largest first. */
export function findColourRegions(png) {
  const { width, height, data } = png;
  const hue = new Float32Array(width * height).fill(-1);
  for (let i = 0; i < width * height; i++) {
    const r = data[4 * i];
    const g = data[4 * i + 1];
    const b = data[4 * i + 2];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    if (max < MIN_VALUE || (max - min) / max < MIN_SATURATION) continue;
    hue[i] = hueOf(r, g, b, max, min);
  }
  const label = new Int32Array(width * height).fill(-1);
  const regions = [];
  const stack = [];
  for (let start = 0; start < width * height; start++) {
    if (hue[start] < 0 || label[start] >= 0) continue;
    const region = { hueX: 0, hueY: 0, area: 0, sumX: 0, sumY: 0, minX: width, maxX: 0, minY: height, maxY: 0 };
    label[start] = regions.length;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop();
      const x = i % width;
      const y = (i - x) / width;
      region.area += 1;
      region.sumX += x;
      region.sumY += y;
      region.hueX += Math.cos((hue[i] * Math.PI) / 180);
      region.hueY += Math.sin((hue[i] * Math.PI) / 180);
      region.minX = Math.min(region.minX, x);
      region.maxX = Math.max(region.maxX, x);
      region.minY = Math.min(region.minY, y);
      region.maxY = Math.max(region.maxY, y);
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]]) {
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (hue[j] < 0 || label[j] >= 0 || hueDistance(hue[i], hue[j]) > SAME_HUE_DEGREES) continue;
        label[j] = regions.length;
        stack.push(j);
      }
    }
    regions.push(region);
  }
  return regions
    .filter((r) => r.area >= MIN_AREA)
    .map((r) => ({
      hue: (((Math.atan2(r.hueY, r.hueX) * 180) / Math.PI) + 360) % 360,
      area: r.area,
      cx: r.sumX / r.area,
      cy: r.sumY / r.area,
      minX: r.minX,
      maxX: r.maxX,
      minY: r.minY,
      maxY: r.maxY,
    }))
    .sort((a, b) => b.area - a.area);
}

export function hueDistance(a, b) {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Rec. 601 luma of pixel `i` (its index, not its byte offset). */
export function luminanceAt(png, i) {
  return 0.299 * png.data[4 * i] + 0.587 * png.data[4 * i + 1] + 0.114 * png.data[4 * i + 2];
}

/** Mean and standard deviation of the luminance in the box x0 <= x < x1, y0 <= y < y1 (the whole image by default). */
export function luminanceStats(png, { x0 = 0, y0 = 0, x1 = png.width, y1 = png.height } = {}) {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const l = luminanceAt(png, y * png.width + x);
      sum += l;
      sumSq += l * l;
      n += 1;
    }
  }
  const mean = sum / n;
  return { mean, sd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

/** Pixels darker than `maxLuminance`. */
export function countDarkPixels(png, maxLuminance) {
  let n = 0;
  for (let i = 0; i < png.width * png.height; i++) if (luminanceAt(png, i) < maxLuminance) n += 1;
  return n;
}

/** The columns x0 .. x0 + width - 1 as an image of their own (one eye of a side-by-side frame). */
export function cropColumns(png, x0, width) {
  const data = Buffer.alloc(width * png.height * 4);
  for (let y = 0; y < png.height; y++) {
    png.data.copy(data, y * width * 4, 4 * (y * png.width + x0), 4 * (y * png.width + x0 + width));
  }
  return { width, height: png.height, data };
}

function hueOf(r, g, b, max, min) {
  const d = max - min;
  let h;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}
