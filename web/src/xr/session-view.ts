import { Mesh, MeshLambertMaterial, PerspectiveCamera, SphereGeometry, Vector3, WebGLRenderer } from 'three';
import { ApiError, getSession, joinSession, listScenarios, listSessionEvents, type Session, type User } from '../api';
import { el } from '../dashboard/element';
import type { Navigation, Page } from '../dashboard/page';
import { createEmergencyPanel, type EmergencyPanel } from '../emergency/emergency-panel';
import { findScenario, isEmergencyKind } from '../emergency/kind';
import { encodeAction, encodeControl, type ServerMessage } from '../protocol';
import { applyKeyframe, applySnapshot, clearBodies, createBodyMeshes } from './body-meshes';
import { ClientSeq } from './client-seq';
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

/**
 * The desktop session view: joins, connects, renders the world and sends
 * inputs. Sessions of an emergency scenario also get the emergency panel
 * (monitor, prompts, team actions, instructor controls, event feed).
 */
export function renderSessionView(root: HTMLElement, sessionId: string, nav: Navigation, user: User | null = null): Page {
  const status = el('span', { class: 'status-line', id: 'session-status', 'data-state': 'connecting' }, 'joining…');
  const tickText = el('span', { class: 'tick', id: 'session-tick' }, 'tick –');
  const sessionName = el('span', { class: 'session-name' }, `Session ${sessionId}`);
  const viewport = el('div', { class: 'viewport', id: 'viewport' });
  const body = el('div', { class: 'session-body' }, viewport);
  root.replaceChildren(
    el(
      'section',
      { class: 'session-view' },
      el('div', { class: 'session-bar' }, el('a', { href: '#/sessions', class: 'back' }, '← Sessions'), sessionName, status, tickText),
      body,
    ),
  );

  const setStatus = (state: string, text: string): void => {
    status.dataset['state'] = state;
    status.textContent = text;
  };

  let renderer: WebGLRenderer | null = null;
  let webglError = '';
  try {
    renderer = new WebGLRenderer({ antialias: true });
  } catch (failure) {
    webglError = `this browser cannot draw 3D (WebGL): ${failure instanceof Error ? failure.message : String(failure)}`;
    viewport.append(el('p', { class: 'viewport-message' }, webglError));
  }

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
  // INPUT, ACTION and CONTROL frames share this one counter.
  const seq = new ClientSeq();
  let link: SessionLink | null = null;
  let panel: EmergencyPanel | null = null;
  let disposed = false;
  let tick = 0;
  let lastSendMs = Number.NEGATIVE_INFINITY;
  let shownTick = -1;
  let lastTickTextMs = Number.NEGATIVE_INFINITY;

  const sendInput = (nowMs: number): void => {
    if (renderer === null || link === null || !link.isOpen() || nowMs - lastSendMs < MIN_SEND_INTERVAL_MS) return;
    link.send(writeInputFrame(input, seq, tick, camera, hand));
    lastSendMs = nowMs;
  };

  /** Sends a JSON frame with the next seq; null when the connection is not open. */
  const sendNumbered = (encode: (seq: number) => ArrayBuffer): number | null => {
    if (link === null || !link.isOpen()) return null;
    const frame = seq.next(encode);
    link.send(frame);
    return seq.last;
  };

  const onMessage = (message: ServerMessage): void => {
    tick = message.tick;
    probe.tick = message.tick;
    switch (message.type) {
      case 'keyframe':
        applyKeyframe(bodies, message.bodies);
        panel?.participant(message.participant);
        setStatus('connected', `connected, participant ${message.participant}, ${message.bodies.length} bodies`);
        break;
      case 'snapshot':
        applySnapshot(bodies, message.updates);
        break;
      case 'events':
      case 'reply':
        panel?.message(message);
        break;
    }
  };

  const frame = (timeMs: number): void => {
    if (renderer === null) return;
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
    if (renderer === null) return;
    const width = Math.max(1, viewport.clientWidth);
    const height = Math.max(1, viewport.clientHeight);
    renderer.setSize(width, height);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  };
  const resizeObserver = new ResizeObserver(resize);
  let detachHand = (): void => {};
  if (renderer !== null) {
    renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    viewport.append(renderer.domElement);
    resizeObserver.observe(viewport);
    resize();
    detachHand = attachDesktopHand(renderer.domElement, camera, bodies.group, hand, () => sendInput(performance.now()));
    renderer.setAnimationLoop(frame);
  }

  const openPanel = async (session: Session): Promise<void> => {
    const scenarios = await listScenarios().catch(() => []);
    if (disposed) return;
    const scenario = findScenario(scenarios, session.kind);
    sessionName.textContent = `${session.title} · ${scenario?.title ?? session.kind}`;
    panel = createEmergencyPanel({
      sessionId,
      kind: session.kind,
      scenario,
      canInstruct: user !== null && (user.role === 'instructor' || user.role === 'admin'),
      send: {
        action: (request) => sendNumbered((s) => encodeAction(tick, s, request)),
        control: (request) => sendNumbered((s) => encodeControl(tick, s, request)),
      },
    });
    body.dataset['layout'] = 'emergency';
    body.append(panel.element);
  };

  // A late joiner's backlog (at most 200 events) may have lost the scenario's
  // first events (its title and casualties): read them from the log.
  const fillScenarioStart = (): void => {
    const current = panel;
    if (disposed || current === null || current.model.patientKind !== null) return;
    listSessionEvents(sessionId, 0, 20)
      .then((events) => {
        const loaded = events.find((e) => e.type === 'scenario_loaded');
        if (loaded !== undefined && !disposed) current.model.applyLoadedScenario(loaded);
      })
      .catch(() => undefined); // not allowed or not there: the panel works without it
  };

  const start = async (): Promise<void> => {
    let session: Session | null = null;
    try {
      session = await getSession(sessionId);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) throw failure;
      // Joining says what is wrong with the session, if anything.
    }
    if (disposed) return;
    if (session !== null) sessionName.textContent = session.title;
    if (session !== null && isEmergencyKind(session.kind)) await openPanel(session);
    if (disposed) return;
    if (renderer === null && panel === null) {
      setStatus('error', webglError);
      return;
    }
    const joined = await joinSession(sessionId);
    if (disposed) return;
    setStatus('connecting', 'connecting…');
    link = openSessionLink(joined.websocket, {
      open() {
        probe.connected = true;
        panel?.connected(true);
        setStatus('connected', 'connected, waiting for the keyframe…');
        window.setTimeout(fillScenarioStart, 1500);
      },
      message: onMessage,
      closed(code, reason) {
        probe.connected = false;
        panel?.closed(code, reason);
        if (!disposed) setStatus('closed', `closed (${code})${reason === '' ? '' : `: ${reason}`}`);
      },
    });
  };

  start().catch((failure: unknown) => {
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
      panel?.dispose();
      probe.connected = false;
      renderer?.setAnimationLoop(null);
      detachHand();
      resizeObserver.disconnect();
      clearBodies(bodies);
      renderer?.dispose();
    },
  };
}
