import { describe, expect, it } from 'vitest';
import { encodeInput } from './encode-input';
import { Button, type InputMessage } from './messages';

// Distinct values at every field so a shifted offset cannot pass.
function sampleInput(): InputMessage {
  return {
    tick: 0x01020304,
    seq: 7,
    head: { position: { x: 0.5, y: 1.6, z: 0.6 }, orientation: { x: 0.1, y: 0.2, z: 0.3, w: 0.9 } },
    left: {
      position: { x: -0.3, y: 1.0, z: 0.2 },
      orientation: { x: 0, y: 0, z: 0, w: 1 },
      buttons: Button.Trigger,
    },
    right: {
      position: { x: 0.25, y: 1.1, z: -0.5 },
      orientation: { x: -0.5, y: 0.5, z: -0.5, w: 0.5 },
      buttons: Button.Grip,
    },
  };
}

describe('encodeInput', () => {
  it('writes a 104-byte frame with every field at the offset docs/protocol.md gives', () => {
    const frame = encodeInput(sampleInput());
    expect(frame.byteLength).toBe(104);
    const v = new DataView(frame);
    // Header.
    expect(v.getUint8(0)).toBe(2);
    expect(v.getUint8(1)).toBe(0x01);
    expect(v.getUint16(2, true)).toBe(0);
    expect(v.getUint32(4, true)).toBe(0x01020304);
    expect([v.getUint8(4), v.getUint8(5), v.getUint8(6), v.getUint8(7)]).toEqual([4, 3, 2, 1]);
    expect(v.getUint32(8, true)).toBe(7);
    const body = 12;
    const f = (offset: number): number => v.getFloat32(body + offset, true);
    // Head at body offset 0.
    expect([f(0), f(4), f(8)]).toEqual([0.5, 1.6, 0.6].map(Math.fround));
    expect([f(12), f(16), f(20), f(24)]).toEqual([0.1, 0.2, 0.3, 0.9].map(Math.fround));
    // Left hand at body offset 28.
    expect([f(28), f(32), f(36)]).toEqual([-0.3, 1.0, 0.2].map(Math.fround));
    expect([f(40), f(44), f(48), f(52)]).toEqual([0, 0, 0, 1]);
    expect(v.getUint32(body + 56, true)).toBe(1);
    // Right hand at body offset 60.
    expect([f(60), f(64), f(68)]).toEqual([0.25, 1.1, -0.5].map(Math.fround));
    expect([f(72), f(76), f(80), f(84)]).toEqual([-0.5, 0.5, -0.5, 0.5]);
    expect(v.getUint32(body + 88, true)).toBe(2);
    expect(body + 92).toBe(104);
  });

  it('reuses the buffer it is given', () => {
    const buffer = new ArrayBuffer(104);
    const first = encodeInput(sampleInput(), buffer);
    const second = encodeInput({ ...sampleInput(), seq: 8 }, buffer);
    expect(first).toBe(buffer);
    expect(second).toBe(buffer);
    expect(new DataView(buffer).getUint32(8, true)).toBe(8);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodeInput(sampleInput(), new ArrayBuffer(100))).toThrow(/104 bytes/);
  });

  it('refuses numbers the server would reject', () => {
    const nan = sampleInput();
    nan.head.position.y = Number.NaN;
    expect(() => encodeInput(nan)).toThrow(/head.*not a finite f32/);
    const overflow = sampleInput();
    overflow.right.orientation.w = 1e39;
    expect(() => encodeInput(overflow)).toThrow(/right hand.*not a finite f32/);
    expect(() => encodeInput({ ...sampleInput(), seq: -1 })).toThrow(/seq/);
    expect(() => encodeInput({ ...sampleInput(), tick: 2 ** 32 })).toThrow(/tick/);
    const buttons = sampleInput();
    buttons.left.buttons = 1.5;
    expect(() => encodeInput(buttons)).toThrow(/left hand buttons/);
  });
});

describe('encodeInput into a DataView', () => {
  it('writes into the view given and returns its buffer', () => {
    const view = new DataView(new ArrayBuffer(104));
    const out = encodeInput(sampleInput(), view);
    expect(out).toBe(view.buffer);
    expect(view.getUint8(1)).toBe(0x01);
  });
});
