import { describe, expect, it } from 'vitest';
import { encodeAction, encodeControl } from './encode-json';

// Frames are read back byte by byte from docs/protocol.md, independently of
// the encoder's constants.

function readFrame(frame: ArrayBuffer): { version: number; type: number; flags: number; tick: number; seq: number; body: unknown; bodyBytes: number } {
  const v = new DataView(frame);
  const bodyBytes = frame.byteLength - 12;
  return {
    version: v.getUint8(0),
    type: v.getUint8(1),
    flags: v.getUint16(2, true),
    tick: v.getUint32(4, true),
    seq: v.getUint32(8, true),
    body: JSON.parse(new TextDecoder().decode(new Uint8Array(frame, 12))) as unknown,
    bodyBytes,
  };
}

describe('encodeAction', () => {
  it('writes the 12-byte header (type 0x02) and the action as UTF-8 JSON', () => {
    const frame = encodeAction(0x01020304, 42, { name: 'give_drug', params: { drug: 'epinephrine', dose_mg: 1 } });
    const v = new DataView(frame);
    expect([v.getUint8(4), v.getUint8(5), v.getUint8(6), v.getUint8(7)]).toEqual([4, 3, 2, 1]);
    const read = readFrame(frame);
    expect(read).toMatchObject({ version: 2, type: 0x02, flags: 0, tick: 0x01020304, seq: 42 });
    expect(read.body).toEqual({ name: 'give_drug', params: { drug: 'epinephrine', dose_mg: 1 } });
    expect(frame.byteLength).toBe(12 + read.bodyBytes);
  });

  it('leaves params out when there are none', () => {
    const read = readFrame(encodeAction(1, 1, { name: 'rhythm_check' }));
    expect(read.body).toEqual({ name: 'rhythm_check' });
    expect(Object.keys(read.body as object)).toEqual(['name']);
  });

  it('sends an empty params object as given', () => {
    expect(readFrame(encodeAction(1, 1, { name: 'pulse_check', params: {} })).body).toEqual({ name: 'pulse_check', params: {} });
  });

  it('encodes non-ASCII text as UTF-8 and counts bytes, not characters', () => {
    const frame = encodeAction(1, 2, { name: 'tourniquet', params: { site: 'cuisse gauche é' } });
    const read = readFrame(frame);
    expect(read.body).toEqual({ name: 'tourniquet', params: { site: 'cuisse gauche é' } });
    const json = JSON.stringify({ name: 'tourniquet', params: { site: 'cuisse gauche é' } });
    expect(read.bodyBytes).toBe(json.length + 1); // é is two bytes
  });

  it('round-trips nested params and booleans', () => {
    const params = { on: true, depth_mm: 55, rate_per_min: 110, note: { nested: [1, 2, 3] } };
    expect(readFrame(encodeAction(7, 8, { name: 'compressions', params })).body).toEqual({ name: 'compressions', params });
  });

  it('accepts a body of exactly 4096 bytes and refuses 4097', () => {
    const overhead = JSON.stringify({ name: 'x', params: { t: '' } }).length;
    const fits = encodeAction(1, 1, { name: 'x', params: { t: 'a'.repeat(4096 - overhead) } });
    expect(fits.byteLength).toBe(12 + 4096);
    expect(() => encodeAction(1, 1, { name: 'x', params: { t: 'a'.repeat(4097 - overhead) } })).toThrow(
      /ACTION body is 4097 bytes of JSON; it must be 2 to 4096 bytes/,
    );
  });

  it('refuses what the server would refuse or JSON would mangle', () => {
    expect(() => encodeAction(1, 1, { name: '' })).toThrow(/ACTION name must be 1 to 64 of a-z, 0-9 and _, got ""/);
    expect(() => encodeAction(1, 1, { name: '  ' })).toThrow(/ACTION name must be/);
    expect(() => encodeAction(1, 1, { name: 'Give-Drug' })).toThrow(/ACTION name must be/);
    expect(() => encodeAction(1, 1, { name: 'a'.repeat(65) })).toThrow(/ACTION name must be/);
    expect(() => encodeAction(1, 1, { name: 'a'.repeat(64) })).not.toThrow();
    expect(() => encodeAction(1, 1, { name: 'shock', params: [] as unknown as Record<string, unknown> })).toThrow(
      /params must be a JSON object/,
    );
    expect(() => encodeAction(1, 1, { name: 'shock', params: null as unknown as Record<string, unknown> })).toThrow(
      /params must be a JSON object/,
    );
    expect(() => encodeAction(1, 1, { name: 'shock', params: { energy_J: Number.NaN } })).toThrow(
      /field "energy_J" has a number JSON cannot carry: NaN/,
    );
    expect(() => encodeAction(1, 1, { name: 'shock', params: { energy_J: Infinity } })).toThrow(/Infinity/);
    expect(() => encodeAction(1, 1, { name: 'shock', params: { energy_J: 10n } })).toThrow(/bigint/);
    expect(() => encodeAction(1, -1, { name: 'shock' })).toThrow(/ACTION seq must be an integer/);
    expect(() => encodeAction(2 ** 32, 1, { name: 'shock' })).toThrow(/ACTION tick must be an integer/);
    expect(() => encodeAction(1, 1.5, { name: 'shock' })).toThrow(/seq/);
  });
});

describe('encodeControl', () => {
  it('writes pause and resume (type 0x03) without text', () => {
    const pause = readFrame(encodeControl(500, 3, { control: 'pause' }));
    expect(pause).toMatchObject({ version: 2, type: 0x03, flags: 0, tick: 500, seq: 3, body: { control: 'pause' } });
    expect(readFrame(encodeControl(501, 4, { control: 'resume', text: '' })).body).toEqual({ control: 'resume' });
  });

  it('writes a cue and an observation with their text', () => {
    expect(readFrame(encodeControl(9, 10, { control: 'cue', text: 'patient_vomits' })).body).toEqual({
      control: 'cue',
      text: 'patient_vomits',
    });
    const note = 'Compressions too shallow — coach depth';
    expect(readFrame(encodeControl(9, 11, { control: 'observation', text: note })).body).toEqual({
      control: 'observation',
      text: note,
    });
  });

  it('allows 2000 bytes of UTF-8 text and refuses more, as the server counts', () => {
    expect(() => encodeControl(1, 1, { control: 'observation', text: 'a'.repeat(2000) })).not.toThrow();
    expect(() => encodeControl(1, 1, { control: 'observation', text: 'a'.repeat(2001) })).toThrow(
      /text is 2001 bytes of UTF-8; at most 2000/,
    );
    // 667 three-byte characters are 2001 bytes.
    expect(() => encodeControl(1, 1, { control: 'observation', text: '€'.repeat(666) })).not.toThrow();
    expect(() => encodeControl(1, 1, { control: 'observation', text: '€'.repeat(667) })).toThrow(/2001 bytes/);
  });

  it('refuses unknown controls, missing text and text on pause/resume', () => {
    expect(() => encodeControl(1, 1, { control: 'restart' as 'pause' })).toThrow(/CONTROL must be one of pause, resume, cue, observation/);
    expect(() => encodeControl(1, 1, { control: 'cue' })).toThrow(/cue needs a text/);
    expect(() => encodeControl(1, 1, { control: 'observation', text: '   ' })).toThrow(/observation needs a text/);
    expect(() => encodeControl(1, 1, { control: 'pause', text: 'now' })).toThrow(/pause takes no text/);
    expect(() => encodeControl(-1, 1, { control: 'pause' })).toThrow(/CONTROL tick/);
  });
});
