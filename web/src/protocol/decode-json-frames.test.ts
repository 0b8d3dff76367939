import { describe, expect, it } from 'vitest';
import { decodeServerFrame } from './decode-server-frame';
import { encodeAction } from './encode-json';

// EVENTS (0x12) and REPLY (0x13) frames built from docs/protocol.md.

function frame(type: number, tick: number, seq: number, body: Uint8Array): ArrayBuffer {
  const buffer = new ArrayBuffer(12 + body.byteLength);
  const v = new DataView(buffer);
  v.setUint8(0, 2);
  v.setUint8(1, type);
  v.setUint16(2, 0, true);
  v.setUint32(4, tick, true);
  v.setUint32(8, seq, true);
  new Uint8Array(buffer, 12).set(body);
  return buffer;
}

function eventsFrame(tick: number, seq: number, ack: number, json: string | Uint8Array): ArrayBuffer {
  const text = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  const body = new Uint8Array(4 + text.byteLength);
  new DataView(body.buffer).setUint32(0, ack, true);
  body.set(text, 4);
  return frame(0x12, tick, seq, body);
}

function replyFrame(tick: number, seq: number, json: string): ArrayBuffer {
  return frame(0x13, tick, seq, new TextEncoder().encode(json));
}

const vitals = {
  seq: 41,
  tick: 12000,
  type: 'vitals',
  payload: { heart_rate_per_min: 0, systolic_mmHg: 12.5, spo2_pct: 88.2, rhythm: 'vf_coarse' },
};
const prompt = { seq: 42, tick: 12001, type: 'prompt_shown', payload: { text: 'Shock now', role: 'team_leader' } };

describe('decodeServerFrame, EVENTS', () => {
  it('decodes the ack and every event, oldest first', () => {
    const message = decodeServerFrame(eventsFrame(12001, 900, 17, JSON.stringify([vitals, prompt])));
    expect(message).toEqual({ type: 'events', tick: 12001, seq: 900, ack: 17, events: [vitals, prompt] });
  });

  it('keeps only seq, tick, type and payload (wall_time and extras are dropped)', () => {
    const withExtras = { ...prompt, wall_time: '2025-01-01T00:00:00Z', extra: 1 };
    const message = decodeServerFrame(eventsFrame(1, 1, 0, JSON.stringify([withExtras])));
    expect(message.type === 'events' && message.events).toEqual([prompt]);
  });

  it('decodes an empty list and non-ASCII text', () => {
    expect(decodeServerFrame(eventsFrame(1, 2, 0, '[]'))).toEqual({ type: 'events', tick: 1, seq: 2, ack: 0, events: [] });
    const note = { seq: 5, tick: 9, type: 'observation', payload: { text: 'Défibrillateur prêt ✓', by: 'ines' } };
    const message = decodeServerFrame(eventsFrame(9, 3, 0, JSON.stringify([note])));
    expect(message.type === 'events' && message.events[0]).toEqual(note);
  });

  it('accepts a typed-array view into a larger buffer', () => {
    const bytes = new Uint8Array(eventsFrame(1, 2, 3, JSON.stringify([prompt])));
    const padded = new Uint8Array(bytes.byteLength + 10);
    padded.set(bytes, 5);
    const message = decodeServerFrame(padded.subarray(5, 5 + bytes.byteLength));
    expect(message.type === 'events' && message.events).toEqual([prompt]);
  });

  it('rejects a body too short for the ack, or with no JSON', () => {
    expect(() => decodeServerFrame(frame(0x12, 1, 1, new Uint8Array(3)))).toThrow(
      /EVENTS body of 3 bytes is shorter than its 4-byte ack/,
    );
    expect(() => decodeServerFrame(frame(0x12, 1, 1, new Uint8Array(4)))).toThrow(/EVENTS body has no JSON/);
  });

  it('rejects malformed JSON and invalid UTF-8', () => {
    expect(() => decodeServerFrame(eventsFrame(1, 1, 0, '[{"seq":1,'))).toThrow(/EVENTS body is not valid JSON/);
    expect(() => decodeServerFrame(eventsFrame(1, 1, 0, new Uint8Array([0x5b, 0xff, 0x5d])))).toThrow(
      /EVENTS JSON is not valid UTF-8/,
    );
  });

  it('rejects JSON of the wrong shape, naming the event and the field', () => {
    const bad = (json: string): (() => unknown) => () => decodeServerFrame(eventsFrame(1, 1, 0, json));
    expect(bad('{"seq":1}')).toThrow(/EVENTS JSON must be an array of events, got an object/);
    expect(bad('null')).toThrow(/must be an array of events, got null/);
    expect(bad('[1]')).toThrow(/EVENTS event 0 must be an object, got number 1/);
    expect(bad('[null]')).toThrow(/EVENTS event 0 must be an object, got null/);
    const ok = JSON.stringify(prompt);
    expect(bad(`[${ok},{"tick":1,"type":"x","payload":{}}]`)).toThrow(/EVENTS event 1: "seq" must be a whole number >= 0, got nothing/);
    expect(bad('[{"seq":"1","tick":1,"type":"x","payload":{}}]')).toThrow(/"seq" must be a whole number >= 0, got string "1"/);
    expect(bad('[{"seq":-1,"tick":1,"type":"x","payload":{}}]')).toThrow(/"seq" must be a whole number/);
    expect(bad('[{"seq":1.5,"tick":1,"type":"x","payload":{}}]')).toThrow(/"seq" must be a whole number/);
    expect(bad('[{"seq":1,"tick":"0","type":"x","payload":{}}]')).toThrow(/"tick" must be a whole number >= 0, got string/);
    expect(bad('[{"seq":1,"tick":1,"type":7,"payload":{}}]')).toThrow(/"type" must be a non-empty string, got number 7/);
    expect(bad('[{"seq":1,"tick":1,"type":"","payload":{}}]')).toThrow(/"type" must be a non-empty string/);
    expect(bad('[{"seq":1,"tick":1,"type":"vitals"}]')).toThrow(/EVENTS event 0 \(vitals\): "payload" must be an object, got nothing/);
    expect(bad('[{"seq":1,"tick":1,"type":"vitals","payload":[1]}]')).toThrow(/"payload" must be an object, got an array/);
    expect(bad('[{"seq":1,"tick":1,"type":"vitals","payload":"{}"}]')).toThrow(/"payload" must be an object, got string/);
  });

  it('rejects a truncated header', () => {
    expect(() => decodeServerFrame(eventsFrame(1, 1, 0, '[]').slice(0, 7))).toThrow(/7 bytes is shorter than the 12-byte header/);
  });
});

describe('decodeServerFrame, REPLY', () => {
  it('decodes an accepted request', () => {
    expect(decodeServerFrame(replyFrame(300, 12, '{"ref":5,"ok":true}'))).toEqual({
      type: 'reply',
      tick: 300,
      seq: 12,
      ref: 5,
      ok: true,
    });
  });

  it('decodes a refusal with its code and error', () => {
    const message = decodeServerFrame(
      replyFrame(300, 13, '{"ref":6,"ok":false,"code":"forbidden","error":"you do not teach this session"}'),
    );
    expect(message).toEqual({
      type: 'reply',
      tick: 300,
      seq: 13,
      ref: 6,
      ok: false,
      code: 'forbidden',
      error: 'you do not teach this session',
    });
  });

  it('treats null code and error as absent', () => {
    const message = decodeServerFrame(replyFrame(1, 1, '{"ref":6,"ok":true,"code":null,"error":null}'));
    expect(message).toEqual({ type: 'reply', tick: 1, seq: 1, ref: 6, ok: true });
  });

  it('rejects malformed JSON, an empty body and the wrong shape', () => {
    const bad = (json: string): (() => unknown) => () => decodeServerFrame(replyFrame(1, 1, json));
    expect(bad('')).toThrow(/REPLY body has no JSON/);
    expect(bad('{"ref":5,')).toThrow(/REPLY body is not valid JSON/);
    expect(bad('[]')).toThrow(/REPLY JSON must be an object, got an array/);
    expect(bad('{"ok":true}')).toThrow(/REPLY "ref" must be a whole number >= 0, got nothing/);
    expect(bad('{"ref":"5","ok":true}')).toThrow(/"ref" must be a whole number/);
    expect(bad('{"ref":5}')).toThrow(/REPLY "ok" must be true or false, got nothing/);
    expect(bad('{"ref":5,"ok":"yes"}')).toThrow(/"ok" must be true or false, got string "yes"/);
    expect(bad('{"ref":5,"ok":false,"code":403}')).toThrow(/REPLY "code" must be a string, got number 403/);
    expect(bad('{"ref":5,"ok":false,"error":{}}')).toThrow(/REPLY "error" must be a string, got an object/);
  });

  it('rejects a truncated header', () => {
    expect(() => decodeServerFrame(replyFrame(1, 1, '{"ref":5,"ok":true}').slice(0, 11))).toThrow(
      /shorter than the 12-byte header/,
    );
  });
});

describe('client-only types are not server messages', () => {
  it('an ACTION frame fed to the server decoder is refused', () => {
    expect(() => decodeServerFrame(encodeAction(1, 1, { name: 'shock' }))).toThrow(/unknown server message type 0x02/);
    expect(() => decodeServerFrame(frame(0x03, 1, 1, new TextEncoder().encode('{"control":"pause"}')))).toThrow(
      /unknown server message type 0x03/,
    );
  });
});
