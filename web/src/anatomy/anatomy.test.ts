import { Group, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { createAdaptiveStep, updateAdaptiveStep } from './adaptive-step';
import { distanceMm, formatMm } from './measurement';
import { PRESETS, transferTable, TRANSFER_TABLE_SIZE } from './transfer-functions';
import { decodeVolume, encodeVolume, prepareVolumeTexture, type Volume } from './volume-format';

function ramp(dims: [number, number, number]): Volume {
  const voxels = new Int16Array(dims[0] * dims[1] * dims[2]);
  for (let i = 0; i < voxels.length; i++) voxels[i] = (i % 2000) - 1000;
  return { dims, spacingMm: [0.5, 0.5, 1.25], voxels, slope: 1, intercept: 0, modality: 'CT' };
}

describe('volume texture format', () => {
  it('round-trips a generated CT volume', () => {
    const volume = ramp([7, 5, 3]);
    const back = decodeVolume(encodeVolume(volume));
    expect(back.dims).toEqual([7, 5, 3]);
    expect(back.spacingMm).toEqual([0.5, 0.5, 1.25]);
    expect(back.modality).toBe('CT');
    expect(Array.from(back.voxels)).toEqual(Array.from(volume.voxels));
  });

  it('says what is wrong with a malformed file', () => {
    const good = encodeVolume(ramp([4, 4, 4]));
    expect(() => decodeVolume(good.slice(0, 20))).toThrow(/shorter than its 48-byte header/);
    expect(() => decodeVolume(good.slice(0, good.byteLength - 2))).toThrow(/needs 176 bytes, the file has 174/);
    const badMagic = good.slice(0);
    new Uint8Array(badMagic)[0] = 0x4e;
    expect(() => decodeVolume(badMagic)).toThrow(/not a MedVision volume/);
    const badType = good.slice(0);
    new DataView(badType).setUint8(32, 9);
    expect(() => decodeVolume(badType)).toThrow(/unknown voxel type 9/);
    const badSpacing = good.slice(0);
    new DataView(badSpacing).setFloat32(24, 0, true);
    expect(() => decodeVolume(badSpacing)).toThrow(/spacing/);
    const zeroDim = good.slice(0);
    new DataView(zeroDim).setUint32(12, 0, true);
    expect(() => decodeVolume(zeroDim)).toThrow(/dimensions 4x0x4/);
  });

  it('shrinks to at most 256 per axis by default, keeping the physical extent', () => {
    const volume: Volume = { dims: [300, 20, 513], spacingMm: [1, 1, 0.5], voxels: new Uint8Array(300 * 20 * 513), slope: 1, intercept: 0, modality: 'MR' };
    const texture = prepareVolumeTexture(volume);
    expect(texture.dims).toEqual([150, 20, 171]);
    expect(texture.voxels.length).toBe(150 * 20 * 171);
    expect(texture.dims[0] * texture.spacingMm[0]).toBeCloseTo(300);
    expect(texture.dims[2] * texture.spacingMm[2]).toBeCloseTo(256.5);
  });

  it('maps the value range of a non-CT volume to 0..255 and box-averages when shrinking', () => {
    const voxels = new Uint16Array([0, 100, 200, 300, 400, 500, 600, 1000]);
    const texture = prepareVolumeTexture({ dims: [2, 2, 2], spacingMm: [1, 1, 1], voxels, slope: 2, intercept: -1024, modality: 'MR' }, 1);
    expect(texture.dims).toEqual([1, 1, 1]);
    expect(texture.voxels[0]).toBe(Math.round((3100 / 8 / 1000) * 255));
    expect(texture.valueMin).toBe(-1024);
    expect(texture.valueMax).toBe(976);
  });

  it('gives CT the wide -1000..+2000 HU window whatever its value range, clamping outside it', () => {
    // Stored values with a DICOM-style rescale (HU = 2 * stored - 1024): -1024, -1000, 500, 2000 and 3000 HU.
    const voxels = new Uint16Array([0, 12, 762, 1512, 2012]);
    const texture = prepareVolumeTexture({ dims: [5, 1, 1], spacingMm: [1, 1, 1], voxels, slope: 2, intercept: -1024, modality: 'CT' });
    expect(texture.valueMin).toBe(-1000);
    expect(texture.valueMax).toBe(2000);
    // 500 HU lies half way through the 3000 HU window.
    expect(Array.from(texture.voxels)).toEqual([0, 0, Math.round(0.5 * 255), 255, 255]);
    // A narrow range (soft tissue only) still gets the whole window, so presets read the same HU.
    const soft = prepareVolumeTexture({ dims: [2, 1, 1], spacingMm: [1, 1, 1], voxels: new Int16Array([20, 80]), slope: 1, intercept: 0, modality: 'CT' });
    expect([soft.valueMin, soft.valueMax]).toEqual([-1000, 2000]);
    expect(Array.from(soft.voxels)).toEqual([Math.round((1020 / 3000) * 255), Math.round((1080 / 3000) * 255)]);
  });
});

describe('transfer function presets', () => {
  it('CT bone is clear for air and soft tissue and opaque for cortical bone', () => {
    const table = transferTable(PRESETS['ct-bone'], -1000, 3000);
    const alphaAt = (hu: number): number => table[4 * Math.round(((hu + 1000) / 4000) * (TRANSFER_TABLE_SIZE - 1)) + 3]!;
    expect(alphaAt(-1000)).toBe(0);
    expect(alphaAt(40)).toBe(0);
    expect(alphaAt(1200)).toBeGreaterThan(200);
  });

  it('MR brain is relative to the volume range, whatever its units', () => {
    const a = transferTable(PRESETS['mr-brain'], 0, 255);
    const b = transferTable(PRESETS['mr-brain'], 0, 4095);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a[3]).toBe(0);
    expect(a[4 * 255 + 3]).toBeGreaterThan(150);
  });

  it('every preset makes a full RGBA table', () => {
    for (const preset of Object.values(PRESETS)) expect(transferTable(preset, -1000, 2000).length).toBe(TRANSFER_TABLE_SIZE * 4);
  });
});

describe('adaptive ray-marching step', () => {
  it('coarsens while frames run over budget, up to its limit', () => {
    const step = createAdaptiveStep(11, 1, 4);
    for (let i = 0; i < 200; i++) updateAdaptiveStep(step, 30);
    expect(step.scale).toBe(4);
  });

  it('refines back to full quality when frames are fast, and ignores nonsense times', () => {
    const step = createAdaptiveStep(11, 1, 4);
    step.scale = 3;
    updateAdaptiveStep(step, Number.NaN);
    expect(step.scale).toBe(3);
    for (let i = 0; i < 300; i++) updateAdaptiveStep(step, 4);
    expect(step.scale).toBe(1);
  });

  it('does not react to one slow frame', () => {
    const step = createAdaptiveStep(11);
    for (let i = 0; i < 50; i++) updateAdaptiveStep(step, 6);
    updateAdaptiveStep(step, 200);
    expect(step.scale).toBe(1);
  });
});

describe('distance measurement', () => {
  it('measures in the model\'s millimetres however the model is scaled', () => {
    const model = new Group();
    model.scale.setScalar(4);
    model.position.set(1, 1, 1);
    const a = new Vector3(0, 0, 0).multiplyScalar(4).add(model.position);
    const b = new Vector3(0.03, 0.04, 0).multiplyScalar(4).add(model.position);
    expect(distanceMm(model, a, b)).toBeCloseTo(50, 6);
    expect(formatMm(50)).toBe('50.0 mm');
  });
});
