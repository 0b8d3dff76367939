import {
  CONTROL_TEXT_MAX_CHARS,
  HEADER_BYTES,
  JSON_BODY_MAX_BYTES,
  JSON_BODY_MIN_BYTES,
  MessageType,
  PROTOCOL_VERSION,
  type ActionRequest,
  type ControlName,
  type ControlRequest,
  type JsonObject,
} from './messages';

const U32_MAX = 0xffffffff;
// The server takes action names of 1 to 64 of a-z, 0-9 and _.
const ACTION_NAME = /^[a-z0-9_]{1,64}$/;
const CONTROLS: readonly ControlName[] = ['pause', 'resume', 'cue', 'observation'];
const encoder = new TextEncoder();

/**
 * Writes an ACTION frame: the 12-byte header, then `{"name", "params"?}` as
 * UTF-8 JSON. Throws if the action cannot be sent (the server would close the
 * connection or refuse it): a name that is not 1 to 64 of a-z, 0-9 and _, params that are not a plain
 * object or hold a number JSON cannot carry, or a body over 4096 bytes.
 */
export function encodeAction(tick: number, seq: number, action: ActionRequest): ArrayBuffer {
  if (typeof action.name !== 'string' || !ACTION_NAME.test(action.name)) {
    throw new Error(`ACTION name must be 1 to 64 of a-z, 0-9 and _, got ${JSON.stringify(action.name)}`);
  }
  const body: { name: string; params?: JsonObject } = { name: action.name };
  if (action.params !== undefined) {
    if (!isPlainObject(action.params)) throw new Error('ACTION params must be a JSON object');
    body.params = action.params;
  }
  return encodeJsonFrame('ACTION', MessageType.Action, tick, seq, body);
}

/**
 * Writes a CONTROL frame: `{"control", "text"?}` as UTF-8 JSON. `cue` and
 * `observation` need a non-empty text of at most 2000 characters (counted as
 * UTF-8 bytes, as the server counts them); `pause` and `resume` take none.
 * Throws when the control cannot be sent.
 */
export function encodeControl(tick: number, seq: number, control: ControlRequest): ArrayBuffer {
  if (!CONTROLS.includes(control.control)) {
    throw new Error(`CONTROL must be one of ${CONTROLS.join(', ')}, got ${JSON.stringify(control.control)}`);
  }
  const body: { control: ControlName; text?: string } = { control: control.control };
  const needsText = control.control === 'cue' || control.control === 'observation';
  if (needsText) {
    const text = control.text;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new Error(`CONTROL ${control.control} needs a text`);
    }
    const bytes = encoder.encode(text).byteLength;
    if (bytes > CONTROL_TEXT_MAX_CHARS) {
      throw new Error(
        `CONTROL ${control.control} text is ${bytes} bytes of UTF-8; at most ${CONTROL_TEXT_MAX_CHARS} (shorten it)`,
      );
    }
    body.text = text;
  } else if (control.text !== undefined && control.text !== '') {
    throw new Error(`CONTROL ${control.control} takes no text`);
  }
  return encodeJsonFrame('CONTROL', MessageType.Control, tick, seq, body);
}

function encodeJsonFrame(what: string, type: number, tick: number, seq: number, body: object): ArrayBuffer {
  checkU32(what, 'tick', tick);
  checkU32(what, 'seq', seq);
  const json = JSON.stringify(body, (key, value: unknown) => {
    // JSON.stringify would quietly send null for these.
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new Error(`${what} ${key === '' ? 'body' : `field "${key}"`} has a number JSON cannot carry: ${value}`);
    }
    if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
      throw new Error(`${what} field "${key}" holds a ${typeof value}, which JSON cannot carry`);
    }
    return value;
  });
  const bytes = encoder.encode(json);
  if (bytes.byteLength < JSON_BODY_MIN_BYTES || bytes.byteLength > JSON_BODY_MAX_BYTES) {
    throw new Error(
      `${what} body is ${bytes.byteLength} bytes of JSON; it must be ${JSON_BODY_MIN_BYTES} to ${JSON_BODY_MAX_BYTES} bytes`,
    );
  }
  const buffer = new ArrayBuffer(HEADER_BYTES + bytes.byteLength);
  const view = new DataView(buffer);
  view.setUint8(0, PROTOCOL_VERSION);
  view.setUint8(1, type);
  view.setUint16(2, 0, true);
  view.setUint32(4, tick, true);
  view.setUint32(8, seq, true);
  new Uint8Array(buffer, HEADER_BYTES).set(bytes);
  return buffer;
}

function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function checkU32(what: string, field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new Error(`${what} ${field} must be an integer in [0, ${U32_MAX}], got ${value}`);
  }
}
