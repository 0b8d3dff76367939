/**
 * A self-contained volume file (`.mvvol`, version 1), and the reduction of
 * any volume to an 8-bit 3D texture of at most 256^3 voxels. (The imaging
 * export's own JSON + raw texture is read by volume-texture-files.ts.)
 * Docs in web/src/anatomy/VOLUME-FORMAT.md. All numbers little-endian.
 *
 *   0  u8[8]  magic "MVVOL1\0\0"
 *   8  u32 x3 dimensions nx, ny, nz (voxels)
 *  20  f32 x3 spacing x, y, z (millimetres)
 *  32  u8     voxel type: 1 uint8, 2 uint16, 3 int16
 *  33  u8 x3  zero
 *  36  f32    rescale slope
 *  40  f32    rescale intercept (value = stored * slope + intercept, e.g. Hounsfield units)
 *  44  u32    modality: 0 other, 1 CT, 2 MR
 *  48  voxels, x fastest, then y, then z
 */

export const VOLUME_MAGIC = 'MVVOL1\0\0';
export const VOLUME_HEADER_BYTES = 48;
export const DEFAULT_MAX_TEXTURE_DIM = 256;
const MAX_DIM = 4096;

export type VoxelType = 'uint8' | 'uint16' | 'int16';
export type Modality = 'other' | 'CT' | 'MR';

export interface Volume {
  dims: [number, number, number];
  spacingMm: [number, number, number];
  voxels: Uint8Array | Uint16Array | Int16Array;
  slope: number;
  intercept: number;
  modality: Modality;
}

/** What goes to the GPU: 8-bit voxels spanning [valueMin, valueMax] in the volume's units. */
export interface VolumeTexture {
  dims: [number, number, number];
  spacingMm: [number, number, number];
  voxels: Uint8Array;
  valueMin: number;
  valueMax: number;
  modality: Modality;
  /**
   * Where the ray marcher's unit cube (centred at 0) sits in the model's
   * frame (glTF: metres, +Y superior), column-major 4x4; absent when the
   * source does not say (the volume is then centred, axes as stored).
   */
  unitCubeToModel?: number[];
}

const TYPES: Record<number, VoxelType> = { 1: 'uint8', 2: 'uint16', 3: 'int16' };
const MODALITIES: Record<number, Modality> = { 0: 'other', 1: 'CT', 2: 'MR' };

/** Reads a `.mvvol` buffer; throws an Error saying what is wrong. */
export function decodeVolume(buffer: ArrayBuffer): Volume {
  if (buffer.byteLength < VOLUME_HEADER_BYTES) {
    throw new Error(`volume file of ${buffer.byteLength} bytes is shorter than its ${VOLUME_HEADER_BYTES}-byte header`);
  }
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 8));
  if (magic !== VOLUME_MAGIC) throw new Error('not a MedVision volume (magic is not "MVVOL1")');
  const dims: [number, number, number] = [view.getUint32(8, true), view.getUint32(12, true), view.getUint32(16, true)];
  for (const d of dims) {
    if (d < 1 || d > MAX_DIM) throw new Error(`volume dimensions ${dims.join('x')} are outside 1..${MAX_DIM}`);
  }
  const spacingMm: [number, number, number] = [view.getFloat32(20, true), view.getFloat32(24, true), view.getFloat32(28, true)];
  if (spacingMm.some((s) => !Number.isFinite(s) || s <= 0)) throw new Error(`volume spacing ${spacingMm.join(' x ')} mm is not positive`);
  const type = TYPES[view.getUint8(32)];
  if (type === undefined) throw new Error(`unknown voxel type ${view.getUint8(32)} (1 uint8, 2 uint16, 3 int16)`);
  const slope = view.getFloat32(36, true);
  const intercept = view.getFloat32(40, true);
  if (!Number.isFinite(slope) || slope <= 0 || !Number.isFinite(intercept)) {
    throw new Error(`volume rescale slope ${slope} and intercept ${intercept} are not usable (slope must be positive)`);
  }
  const modality = MODALITIES[view.getUint32(44, true)] ?? 'other';
  const count = dims[0] * dims[1] * dims[2];
  const bytesPerVoxel = type === 'uint8' ? 1 : 2;
  const expected = VOLUME_HEADER_BYTES + count * bytesPerVoxel;
  if (buffer.byteLength !== expected) {
    throw new Error(`volume ${dims.join('x')} of ${type} needs ${expected} bytes, the file has ${buffer.byteLength}`);
  }
  const voxels =
    type === 'uint8'
      ? new Uint8Array(buffer, VOLUME_HEADER_BYTES, count)
      : copy16(view, count, type === 'int16');
  return { dims, spacingMm, voxels, slope, intercept, modality };
}

function copy16(view: DataView, count: number, signed: boolean): Uint16Array | Int16Array {
  // Explicit little-endian reads: correct on any host, and no alignment demands on the buffer.
  const out = signed ? new Int16Array(count) : new Uint16Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = signed ? view.getInt16(VOLUME_HEADER_BYTES + 2 * i, true) : view.getUint16(VOLUME_HEADER_BYTES + 2 * i, true);
  }
  return out;
}

/** Writes a `.mvvol` buffer (tests, and volumes generated in the browser). */
export function encodeVolume(volume: Volume): ArrayBuffer {
  const type = volume.voxels instanceof Uint8Array ? 1 : volume.voxels instanceof Uint16Array ? 2 : 3;
  const bytesPerVoxel = type === 1 ? 1 : 2;
  const buffer = new ArrayBuffer(VOLUME_HEADER_BYTES + volume.voxels.length * bytesPerVoxel);
  const view = new DataView(buffer);
  for (let i = 0; i < 8; i++) view.setUint8(i, VOLUME_MAGIC.charCodeAt(i));
  volume.dims.forEach((d, i) => view.setUint32(8 + 4 * i, d, true));
  volume.spacingMm.forEach((s, i) => view.setFloat32(20 + 4 * i, s, true));
  view.setUint8(32, type);
  view.setFloat32(36, volume.slope, true);
  view.setFloat32(40, volume.intercept, true);
  view.setUint32(44, volume.modality === 'CT' ? 1 : volume.modality === 'MR' ? 2 : 0, true);
  for (let i = 0; i < volume.voxels.length; i++) {
    const offset = VOLUME_HEADER_BYTES + bytesPerVoxel * i;
    const v = volume.voxels[i]!;
    if (type === 1) view.setUint8(offset, v);
    else if (type === 2) view.setUint16(offset, v, true);
    else view.setInt16(offset, v, true);
  }
  return buffer;
}

/**
 * The window a CT volume texture spans, in HU: air (-1000) to dense
 * cortical bone (+2000), wide enough for every transfer-function preset
 * (soft tissue, bone) to find its values in the same 8 bits. It is the
 * window of `medvision import` (src/app/import_command.cpp, "ct_wide"); a
 * soft-tissue window would clip bone to one grey and the bone preset
 * would see a solid block.
 */
export const CT_TEXTURE_WINDOW_HU = { min: -1000, max: 2000 } as const;

/**
 * Reduces a volume to an 8-bit texture: each axis is shrunk by a whole
 * factor (box average) until it fits in `maxDim` (the performance budget:
 * 256^3 by default), then values are mapped linearly to 0..255 from
 * [valueMin, valueMax]: for CT the wide window CT_TEXTURE_WINDOW_HU
 * (clamped outside it), for other modalities the volume's own range.
 */
export function prepareVolumeTexture(volume: Volume, maxDim = DEFAULT_MAX_TEXTURE_DIM): VolumeTexture {
  const factors = volume.dims.map((d) => Math.ceil(d / maxDim)) as [number, number, number];
  const dims = volume.dims.map((d, i) => Math.ceil(d / factors[i]!)) as [number, number, number];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  if (volume.modality === 'CT') {
    // The window in stored values (value = stored * slope + intercept, slope > 0).
    min = (CT_TEXTURE_WINDOW_HU.min - volume.intercept) / volume.slope;
    max = (CT_TEXTURE_WINDOW_HU.max - volume.intercept) / volume.slope;
  } else {
    for (let i = 0; i < volume.voxels.length; i++) {
      const v = volume.voxels[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const range = max > min ? max - min : 1;
  const [nx, ny] = volume.dims;
  const voxels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let z = 0; z < dims[2]; z++) {
    const z0 = z * factors[2];
    const z1 = Math.min(volume.dims[2], z0 + factors[2]);
    for (let y = 0; y < dims[1]; y++) {
      const y0 = y * factors[1];
      const y1 = Math.min(volume.dims[1], y0 + factors[1]);
      for (let x = 0; x < dims[0]; x++) {
        const x0 = x * factors[0];
        const x1 = Math.min(volume.dims[0], x0 + factors[0]);
        let sum = 0;
        let n = 0;
        for (let zz = z0; zz < z1; zz++) {
          for (let yy = y0; yy < y1; yy++) {
            const row = (zz * ny + yy) * nx;
            for (let xx = x0; xx < x1; xx++) {
              sum += volume.voxels[row + xx]!;
              n += 1;
            }
          }
        }
        voxels[(z * dims[1] + y) * dims[0] + x] = Math.round(Math.min(1, Math.max(0, (sum / n - min) / range)) * 255);
      }
    }
  }
  return {
    dims,
    // The same physical extent, in fewer (larger) voxels.
    spacingMm: volume.spacingMm.map((s, i) => (s * volume.dims[i]!) / dims[i]!) as [number, number, number],
    voxels,
    valueMin: min * volume.slope + volume.intercept,
    valueMax: (max > min ? max : min + 1) * volume.slope + volume.intercept,
    modality: volume.modality,
  };
}
