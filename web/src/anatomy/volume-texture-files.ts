import { Matrix4 } from 'three';
import type { Modality, VolumeTexture } from './volume-format';

/**
 * The imaging export's volume texture (src/imaging/volume_texture.h): a JSON
 * header ("medvision-volume-texture", version 1) and a raw uint8 file it
 * names, already shrunk to the texture budget and mapped to 8 bits. The
 * header's `lps_to_texture` places the texture in the patient (LPS, mm);
 * here it becomes `unitCubeToModel`, so the volume lines up with the .glb
 * models of the same study, which the export writes in glTF's frame.
 */

interface HeaderJson {
  format?: unknown;
  version?: unknown;
  data?: unknown;
  byte_length?: unknown;
  voxel_type?: unknown;
  dims?: unknown;
  spacing_mm?: unknown;
  lps_to_texture?: unknown;
  value_mapping?: { unit?: unknown; value_at_0?: unknown; value_at_255?: unknown };
}

/** LPS millimetres to glTF metres: +X the patient's left, +Y superior, +Z anterior (as src/imaging/gltf_export.h). */
const LPS_MM_TO_GLTF_M = new Matrix4().set(
  0.001, 0, 0, 0,
  0, 0, 0.001, 0,
  0, -0.001, 0, 0,
  0, 0, 0, 1,
);
/** The ray marcher's box is the unit cube centred at 0; texture coordinates are 0..1. */
const CUBE_TO_TEXTURE = new Matrix4().makeTranslation(0.5, 0.5, 0.5);

/** The raw file the header names, relative to the header's URL. */
export function volumeDataUrl(headerUrl: string, header: unknown): string {
  const data = (header as HeaderJson | null)?.data;
  if (typeof data !== 'string' || data === '') throw new Error('volume texture header names no data file');
  // Relative header URLs are relative to the page (there is none in unit tests).
  const page = typeof location === 'undefined' ? undefined : location.href;
  return new URL(data, new URL(headerUrl, page)).href;
}

/** Checks the header and the raw bytes against each other; throws saying what is wrong. */
export function decodeVolumeTextureFiles(header: unknown, raw: ArrayBuffer): VolumeTexture {
  const h = header as HeaderJson | null;
  if (h === null || typeof h !== 'object' || h.format !== 'medvision-volume-texture') {
    throw new Error('not a MedVision volume texture header (format is not "medvision-volume-texture")');
  }
  if (h.version !== 1) throw new Error(`volume texture header version ${String(h.version)} is not supported (expected 1)`);
  if (h.voxel_type !== 'uint8') throw new Error(`volume texture voxel type ${String(h.voxel_type)} is not supported (expected uint8)`);
  const dims = numbers(h.dims, 3, 'dims');
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`volume texture dims ${dims.join('x')} are not positive integers`);
  const spacing = numbers(h.spacing_mm, 3, 'spacing_mm');
  const count = dims[0]! * dims[1]! * dims[2]!;
  if (raw.byteLength !== count) {
    throw new Error(`volume texture ${dims.join('x')} needs ${count} bytes, the data file has ${raw.byteLength}`);
  }
  const rows = h.lps_to_texture;
  if (!Array.isArray(rows) || rows.length !== 4) throw new Error('volume texture header has no 4x4 lps_to_texture');
  const m = rows.flatMap((row, r) => numbers(row, 4, `lps_to_texture row ${r}`));
  const lpsToTexture = new Matrix4().set(...(m as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number]));
  if (Math.abs(lpsToTexture.determinant()) < 1e-12) throw new Error('volume texture lps_to_texture cannot be inverted');
  const cubeToModel = LPS_MM_TO_GLTF_M.clone().multiply(lpsToTexture.invert()).multiply(CUBE_TO_TEXTURE);
  const mapping = h.value_mapping ?? {};
  const at0 = mapping.value_at_0;
  const at255 = mapping.value_at_255;
  if (typeof at0 !== 'number' || typeof at255 !== 'number' || !(at255 > at0)) {
    throw new Error('volume texture value_mapping needs value_at_255 above value_at_0');
  }
  return {
    dims: dims as [number, number, number],
    spacingMm: spacing as [number, number, number],
    voxels: new Uint8Array(raw),
    valueMin: at0,
    valueMax: at255,
    modality: modalityOf(mapping.unit),
    unitCubeToModel: cubeToModel.toArray(),
  };
}

function modalityOf(unit: unknown): Modality {
  if (unit === 'HU') return 'CT';
  if (unit === 'intensity') return 'MR';
  return 'other';
}

function numbers(value: unknown, length: number, what: string): number[] {
  if (!Array.isArray(value) || value.length !== length || value.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new Error(`volume texture header: ${what} must be ${length} finite numbers`);
  }
  return value as number[];
}
