import { decodeServerFrame, type ServerMessage } from '../protocol';

export interface SessionLinkEvents {
  open(): void;
  message(message: ServerMessage): void;
  /** The connection is gone; `reason` is the server's close reason when it gave one. */
  closed(code: number, reason: string): void;
}

export interface SessionLink {
  send(frame: ArrayBuffer): void;
  isOpen(): boolean;
  close(): void;
}

// Application close code (4000-4999) for a server frame this client cannot decode.
const CLOSE_BAD_SERVER_FRAME = 4002;

/** Opens the session's WebSocket (same origin, so the login cookie goes along). */
export function openSessionLink(path: string, events: SessionLinkEvents): SessionLink {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}${path}`);
  socket.binaryType = 'arraybuffer';
  let closedReported = false;

  const reportClosed = (code: number, reason: string): void => {
    if (closedReported) return;
    closedReported = true;
    events.closed(code, reason);
  };

  socket.addEventListener('open', () => events.open());
  socket.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!(event.data instanceof ArrayBuffer)) {
      socket.close(CLOSE_BAD_SERVER_FRAME, 'text frame from server');
      reportClosed(CLOSE_BAD_SERVER_FRAME, 'the server sent a text frame; protocol v1 is binary only');
      return;
    }
    let message: ServerMessage;
    try {
      message = decodeServerFrame(event.data);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      socket.close(CLOSE_BAD_SERVER_FRAME, truncateUtf8(`bad server frame: ${reason}`, 123));
      reportClosed(CLOSE_BAD_SERVER_FRAME, `bad server frame: ${reason}`);
      return;
    }
    events.message(message);
  });
  socket.addEventListener('close', (event) => reportClosed(event.code, event.reason));

  return {
    send(frame) {
      if (socket.readyState === WebSocket.OPEN) socket.send(frame);
    },
    isOpen() {
      return socket.readyState === WebSocket.OPEN;
    },
    close() {
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) {
        socket.close(1000, 'client left the session');
      }
    },
  };
}

// A close reason may hold at most 123 UTF-8 bytes (RFC 6455, 5.5).
function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  let out = text;
  while (encoder.encode(out).length > maxBytes) out = out.slice(0, -1);
  return out;
}
