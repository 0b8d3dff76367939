import { Mesh, MeshLambertMaterial, PerspectiveCamera, SphereGeometry, Vector3, WebGLRenderer } from 'three';
import { ApiError, joinSession } from '../api';
import { el } from '../dashboard/element';
import type { Navigation, Page } from '../dashboard/page';
import type { ServerMessage } from '../protocol';
import { applyKeyframe, applySnapshot, clearBodies, createBodyMeshes } from './body-meshes';
import { attachDesktopHand, type DesktopHand } from './desktop-hand';
import { createInputFrame, writeInputFrame } from './input-frame';
import { createSandboxRoom, TABLE_CENTRE } from './sandbox-room';
import { openSessionLink, type SessionLink } from './session-link';
import { publishTestProbe } from './test-probe';

// The server closes a client above 240 frames/s; pointer events between
// display frames are coalesced so this client stays well below that.
const MIN_SEND_INTERVAL_MS = 5;
const TICK_TEXT_INTERVAL_MS = 100;
const RIGHT_HAND_REST = new Vector3(0.3, 1.0, 0.1);

/** The desktop session view: joins, connects, renders the world and sends inputs. */
export function renderSessionView(root: HTMLElement, sessionId: string, nav: Navigation): Page {
  const status = el('span', { class: 'status-line', id: 'session-status', 'data-state': 'connecting' }, 'joining…');
  const tickText = el('span', { class: 'tick', id: 'session-tick' }, 'tick –');
  const viewport = el('div', { class: 'viewport', id: 'viewport' });
  root.replaceChildren(
    el(
      'section',
      { class: 'session-view' },
      el(
        'div',
        { class: 'session-bar' },
        el('a', { href: '#/sessions', class: 'back' }, '← Sessions'),
        el('span', { class: 'session-name' }, `Session ${sessionId}`),
        status,
        tickText,
      ),
      viewport,
    ),
  );

  let renderer: WebGLRenderer;
  try {
    renderer = new WebGLRenderer({ antialias: true });
  } catch (failure) {
    status.dataset['state'] = 'error';
    status.textContent = `this browser cannot draw 3D (WebGL): ${failure instanceof Error ? failure.message : String(failure)}`;
    return { dispose() {} };
  }
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  viewport.append(renderer.domElement);
  const camera = new PerspectiveCamera(60, 1, 0.05, 50);
  camera.position.set(0, 1.6, 0.6);
  camera.lookAt(TABLE_CENTRE.x, TABLE_CENTRE.y, TABLE_CENTRE.z);

  const scene = createSandboxRoom();
  const bodies = createBodyMeshes();
  scene.add(bodies.group);
  const hand: DesktopHand = { position: RIGHT_HAND_REST.clone(), grip: false };
  const handMarker = new Mesh(new SphereGeometry(0.015, 16, 8), new MeshLambertMaterial({ color: 0x4a4f57 }));
  scene.add(handMarker);

  const probe = publishTestProbe(bodies.positions);
  const input = createInputFrame();
  let link: SessionLink | null = null;
  let disposed = false;
  let tick = 0;
  let lastSendMs = Number.NEGATIVE_INFINITY;
  let shownTick = -1;
  let lastTickTextMs = Number.NEGATIVE_INFINITY;

  const setStatus = (state: string, text: string): void => {
    status.dataset['state'] = state;
    status.textContent = text;
  };

  const sendInput = (nowMs: number): void => {
    if (link === null || !link.isOpen() || nowMs - lastSendMs < MIN_SEND_INTERVAL_MS) return;
    link.send(writeInputFrame(input, tick, camera, hand));
    lastSendMs = nowMs;
  };

  const onMessage = (message: ServerMessage): void => {
    tick = message.tick;
    probe.tick = message.tick;
    if (message.type === 'keyframe') {
      applyKeyframe(bodies, message.bodies);
      setStatus('connected', `connected, participant ${message.participant}, ${message.bodies.length} bodies`);
    } else {
      applySnapshot(bodies, message.updates);
    }
  };

  const frame = (timeMs: number): void => {
    handMarker.position.copy(hand.position);
    sendInput(timeMs);
    if (tick !== shownTick && timeMs - lastTickTextMs >= TICK_TEXT_INTERVAL_MS) {
      tickText.textContent = `tick ${tick}`;
      shownTick = tick;
      lastTickTextMs = timeMs;
    }
    renderer.render(scene, camera);
  };

  const resize = (): void => {
    const width = Math.max(1, viewport.clientWidth);
    const height = Math.max(1, viewport.clientHeight);
    renderer.setSize(width, height);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  };
  const resizeObserver = new ResizeObserver(resize);
  resizeObserver.observe(viewport);
  resize();

  const detachHand = attachDesktopHand(renderer.domElement, camera, bodies.group, hand, () =>
    sendInput(performance.now()),
  );
  renderer.setAnimationLoop(frame);

  joinSession(sessionId)
    .then((joined) => {
      if (disposed) return;
      setStatus('connecting', 'connecting…');
      link = openSessionLink(joined.websocket, {
        open() {
          probe.connected = true;
          setStatus('connected', 'connected, waiting for the keyframe…');
        },
        message: onMessage,
        closed(code, reason) {
          probe.connected = false;
          if (!disposed) setStatus('closed', `closed (${code})${reason === '' ? '' : `: ${reason}`}`);
        },
      });
    })
    .catch((failure: unknown) => {
      if (failure instanceof ApiError && failure.status === 401) {
        nav.loggedOut();
        return;
      }
      setStatus('error', `cannot join: ${failure instanceof Error ? failure.message : String(failure)}`);
    });

  return {
    dispose() {
      disposed = true;
      link?.close();
      probe.connected = false;
      renderer.setAnimationLoop(null);
      detachHand();
      resizeObserver.disconnect();
      clearBodies(bodies);
      renderer.dispose();
    },
  };
}
