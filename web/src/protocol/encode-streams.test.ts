import { describe, expect, it } from 'vitest';
import { encodeStreams } from './encode-streams';
import { HAND_JOINTS, MessageType, type StreamsMessage } from './messages';

const pose = { position: { x: 0, y: 1.6, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };
const base: StreamsMessage = { tick: 5, seq: 9, head: pose, left: { ...pose, buttons: 0 }, right: { ...pose, buttons: 2 } };

describe('encodeStreams (docs/protocol.md, 0x04 STREAMS)', () => {
  it('writes head and hands alone in 116 bytes: header, preamble, two records', () => {
    const view = new DataView(encodeStreams(base));
    expect(view.byteLength).toBe(12 + 4 + (4 + 28) + (4 + 64));
    expect(view.getUint8(1)).toBe(MessageType.Streams);
    expect(view.getUint8(12)).toBe(1); // streams version
    expect(view.getUint8(13)).toBe(2); // records
    expect(view.getUint8(16)).toBe(1); // head first
    expect(view.getUint8(48)).toBe(2); // then hands
    expect(view.getUint32(48 + 4 + 60, true)).toBe(2); // right buttons
  });

  it('adds a record per optional stream, the client time as an exact f64', () => {
    const joints = Array.from({ length: HAND_JOINTS }, () => ({ ...pose, radius: 0.008 }));
    const view = new DataView(encodeStreams({ ...base, rightJoints: joints, audioLevel: 0.5, clientTimeMs: 1234.5678 }));
    expect(view.getUint8(13)).toBe(5);
    expect(view.byteLength).toBe(116 + 4 + 804 + 4 + 4 + 4 + 8);
    expect(view.getUint8(116 + 4)).toBe(1); // the right hand
    expect(view.getFloat64(view.byteLength - 8, true)).toBe(1234.5678);
  });

  it('refuses what the server would refuse', () => {
    expect(() => encodeStreams({ ...base, audioLevel: 1.5 })).toThrow(/audio level/);
    expect(() => encodeStreams({ ...base, leftJoints: [] })).toThrow(/25 per hand/);
    const wide = Array.from({ length: HAND_JOINTS }, () => ({ ...pose, radius: 0.5 }));
    expect(() => encodeStreams({ ...base, leftJoints: wide })).toThrow(/radius/);
    expect(() => encodeStreams({ ...base, clientTimeMs: Number.NaN })).toThrow(/client time/);
    expect(() => encodeStreams({ ...base, seq: -1 })).toThrow(/STREAMS seq/);
  });
});
