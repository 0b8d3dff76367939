import { Matrix4, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { decodeVolumeTextureFiles, volumeDataUrl } from './volume-texture-files';

// A header as src/imaging/volume_texture.cpp writes it, for a 4x3x2 texture
// of 2 x 2 x 5 mm voxels whose first voxel centre is at LPS (10, 20, 30) mm.
function header(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const dims = [4, 3, 2];
  const spacing = [2, 2, 5];
  const origin = [10, 20, 30];
  const indexToLps = new Matrix4().set(2, 0, 0, 10, 0, 2, 0, 20, 0, 0, 5, 30, 0, 0, 0, 1);
  const indexToTexture = new Matrix4().set(1 / 4, 0, 0, 0.5 / 4, 0, 1 / 3, 0, 0.5 / 3, 0, 0, 1 / 2, 0.5 / 2, 0, 0, 0, 1);
  const lpsToTexture = indexToTexture.multiply(indexToLps.clone().invert());
  const rows = (m: Matrix4): number[][] => {
    const e = m.elements; // column-major
    return [0, 1, 2, 3].map((r) => [e[r]!, e[r + 4]!, e[r + 8]!, e[r + 12]!]);
  };
  return {
    format: 'medvision-volume-texture',
    version: 1,
    data: 'ct.raw',
    byte_length: 24,
    voxel_type: 'uint8',
    dims,
    spacing_mm: spacing,
    downsampling: [1, 1, 1],
    index_to_lps: rows(indexToLps),
    lps_to_texture: rows(lpsToTexture),
    preset: 'ct-soft-tissue',
    value_mapping: { kind: 'linear_clamped', unit: 'HU', value_at_0: -160, value_at_255: 240 },
    origin,
    ...overrides,
  };
}

describe('volume texture from the imaging export (JSON header + raw)', () => {
  it('reads dims, values and units, and the raw bytes as they are', () => {
    const raw = new Uint8Array(24).map((_, i) => i * 10).buffer;
    const t = decodeVolumeTextureFiles(header(), raw);
    expect(t.dims).toEqual([4, 3, 2]);
    expect(t.valueMin).toBe(-160);
    expect(t.valueMax).toBe(240);
    expect(t.modality).toBe('CT');
    expect(Array.from(t.voxels.slice(0, 3))).toEqual([0, 10, 20]);
  });

  it('places the ray-marching cube in glTF metres, as the .glb export places the anatomy', () => {
    const t = decodeVolumeTextureFiles(header(), new ArrayBuffer(24));
    const m = new Matrix4().fromArray(t.unitCubeToModel!);
    // Cube corner -0.5 is the outer edge of voxel 0: LPS (9, 19, 27.5) mm.
    const low = new Vector3(-0.5, -0.5, -0.5).applyMatrix4(m);
    expect(low.toArray().map((v) => +v.toFixed(6))).toEqual([0.009, 0.0275, -0.019]);
    // Corner +0.5 is the outer edge of the last voxel: LPS (17, 25, 37.5) mm.
    const high = new Vector3(0.5, 0.5, 0.5).applyMatrix4(m);
    expect(high.toArray().map((v) => +v.toFixed(6))).toEqual([0.017, 0.0375, -0.025]);
  });

  it('says what is wrong with a header or data that do not match', () => {
    expect(() => decodeVolumeTextureFiles({ format: 'other' }, new ArrayBuffer(24))).toThrow(/not a MedVision volume texture/);
    expect(() => decodeVolumeTextureFiles(header({ version: 2 }), new ArrayBuffer(24))).toThrow(/version 2/);
    expect(() => decodeVolumeTextureFiles(header(), new ArrayBuffer(23))).toThrow(/needs 24 bytes, the data file has 23/);
    expect(() => decodeVolumeTextureFiles(header({ dims: [4, 3] }), new ArrayBuffer(24))).toThrow(/dims must be 3/);
    expect(() => decodeVolumeTextureFiles(header({ lps_to_texture: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]] }), new ArrayBuffer(24))).toThrow(/cannot be inverted/);
    expect(() => decodeVolumeTextureFiles(header({ value_mapping: { value_at_0: 5, value_at_255: 5 } }), new ArrayBuffer(24))).toThrow(/value_at_255/);
  });

  it('finds the raw file next to the header', () => {
    expect(volumeDataUrl('http://h/api/studies/7/volume.json', header())).toBe('http://h/api/studies/7/ct.raw');
  });
});
