import { Mesh, MeshLambertMaterial, Object3D, PerspectiveCamera, Quaternion, SphereGeometry, Vector3, WebGLRenderer } from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { ApiError, getSession, joinSession, listScenarios, type Session, type User } from '../api';
import { el } from '../pages/element';
import type { Navigation, Page } from '../pages/page';
import { findScenario, moduleOfKind } from '../modules/kind';
import type { ModulePanel, ModulePanelOptions } from '../modules/module-ui';
import { moduleUiFor } from '../modules/registry';
import { createModulePanel } from '../ui/module-panel';
import { encodeAction, encodeControl, type ServerMessage } from '../protocol';
import { applyKeyframe, applySnapshot, clearBodies, createBodyMeshes } from './body-meshes';
import { createBoardPanel, disposeBoardPanel, updateBoardPanel, type BoardPanel } from './board-panel';
import {
  createCameraMonitor,
  disposeCameraMonitor,
  MONITOR_STATION,
  renderMonitorCamera,
  sampleMonitorImage,
  setMonitorCamera,
} from './camera-monitor';
import { ClientSeq } from './client-seq';
import { attachDesktopHand, type DesktopHand } from './desktop-hand';
import { createCueSound } from './cue-sound';
import { createContactVibration, GRAB_PULSE, RELEASE_PULSE, vibrate, vibrateContacts } from './haptics';
import { createInputFrame, writeInputFrame, writeXrInputFrame } from './input-frame';
import { createPlayerRig, recentre } from './player-rig';
import { applyBoardEvents, boardHasContent, createSessionBoard } from './session-board';
import { createSandboxRoom, setPassthrough, TABLE_CENTRE, tableBox } from './sandbox-room';
import { applyMeshDeltas, applyMeshKeyframe, applyMeshTopology, clearSceneMeshes, createSceneMeshes } from './scene-meshes';
import { openSessionLink, type SessionLink } from './session-link';
import { publishTestProbe, recordRenderStats } from './test-probe';
import { readViewerPose } from './viewer-pose';
import { createXrControls, disposeXrControls, updateXrControls } from './xr-controls';
import { createXrEntry, type XrEntry } from './xr-entry';

// The server closes a client above 240 frames/s; pointer events between
// display frames are coalesced so this client stays well below that.
const MIN_SEND_INTERVAL_MS = 5;
const TICK_TEXT_INTERVAL_MS = 100;
const RIGHT_HAND_REST = new Vector3(0.3, 1.0, 0.1);

/**
 * The desktop session view: joins, connects, renders the world and sends
 * inputs. A module's session also gets the module's panel (its own from
 * web/src/modules/<id>/, or the generic one built from its served specs).
 */
export function renderSessionView(root: HTMLElement, sessionId: string, nav: Navigation, user: User | null = null): Page {
  const status = el('span', { class: 'status-line', id: 'session-status', 'data-state': 'connecting' }, 'joining…');
  const tickText = el('span', { class: 'tick', id: 'session-tick' }, 'tick –');
  const xrSlot = el('span', { class: 'xr-slot' });
  const sessionName = el('span', { class: 'session-name' }, `Session ${sessionId}`);
  const viewport = el('div', { class: 'viewport', id: 'viewport' });
  const body = el('div', { class: 'session-body' }, viewport);
  root.replaceChildren(
    el(
      'section',
      { class: 'session-view' },
      el('div', { class: 'session-bar' }, el('a', { href: '#/sessions', class: 'back' }, '← Sessions'), sessionName, status, tickText, xrSlot),
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
    // alpha: in passthrough (immersive-ar) the real room shows where nothing is drawn.
    renderer = new WebGLRenderer({ antialias: true, alpha: true });
  } catch (failure) {
    webglError = `this browser cannot draw 3D (WebGL): ${failure instanceof Error ? failure.message : String(failure)}`;
    viewport.append(el('p', { class: 'viewport-message' }, webglError));
  }

  const camera = new PerspectiveCamera(60, 1, 0.05, 50);
  camera.position.set(0, 1.6, 0.6);
  camera.lookAt(TABLE_CENTRE.x, TABLE_CENTRE.y, TABLE_CENTRE.z);
  const desktopPose = { position: camera.position.clone(), quaternion: new Quaternion().copy(camera.quaternion) };
  const scene = createSandboxRoom();
  const rig = createPlayerRig(camera);
  const head = new Object3D();
  head.name = 'viewer-head';
  rig.group.add(head);
  scene.add(rig.group);
  const bodies = createBodyMeshes();
  scene.add(bodies.group);
  // Deformable surfaces and, when the module serves a camera, its image on a monitor.
  const meshes = createSceneMeshes();
  scene.add(meshes.group);
  const cameraMonitor = createCameraMonitor();
  scene.add(cameraMonitor.monitor);
  const contact = createContactVibration();
  const board = createSessionBoard();
  // Made once the session's kind is known: the module's section sizes it.
  let boardPanel: BoardPanel | null = null;
  let panelsWanted = true;
  const sound = createCueSound();
  const hand: DesktopHand = { position: RIGHT_HAND_REST.clone(), grip: false };
  const handMarker = new Mesh(new SphereGeometry(0.015, 16, 8), new MeshLambertMaterial({ color: 0x4a4f57 }));
  scene.add(handMarker);

  const probe = publishTestProbe(bodies.positions);
  probe.contact = contact;
  probe.meshes = { count: 0, verticesApplied: 0 };
  probe.cameraMonitor = {
    camera: '',
    frames: 0,
    sample: () => {
      if (renderer === null) throw new Error('no WebGL renderer');
      return sampleMonitorImage(cameraMonitor, renderer);
    },
  };
  let participant = 0;
  let backlogPending = true;
  const input = createInputFrame();
  // INPUT, ACTION and CONTROL frames share this one counter.
  const seq = new ClientSeq();
  let link: SessionLink | null = null;
  let panel: ModulePanel | null = null;
  let disposed = false;
  let tick = 0;
  let lastSendMs = Number.NEGATIVE_INFINITY;
  let shownTick = -1;
  let lastTickTextMs = Number.NEGATIVE_INFINITY;

  const sendInput = (nowMs: number): void => {
    if (renderer === null || link === null || !link.isOpen() || nowMs - lastSendMs < MIN_SEND_INTERVAL_MS) return;
    if (xrControls !== null && renderer.xr.isPresenting) {
      link.send(writeXrInputFrame(input, seq, tick, head, xrControls.hands.left, xrControls.hands.right));
    } else {
      link.send(writeInputFrame(input, seq, tick, camera, hand));
    }
    lastSendMs = nowMs;
  };

  /** Sends a JSON frame with the next seq; null when the connection is not open. */
  const sendNumbered = (encode: (seq: number) => ArrayBuffer): number | null => {
    if (link === null || !link.isOpen()) return null;
    const frame = seq.next(encode);
    link.send(frame);
    return seq.last;
  };

  /** In the headset, someone working through the module's camera stands facing its monitor (the desktop camera keeps its orbit). */
  const standAtTheMonitor = (): void => {
    rig.group.position.x = MONITOR_STATION.x;
    rig.group.position.z = MONITOR_STATION.z;
    rig.group.updateMatrixWorld();
  };

  const onMessage = (message: ServerMessage): void => {
    tick = message.tick;
    probe.tick = message.tick;
    switch (message.type) {
      case 'keyframe':
        applyKeyframe(bodies, message.bodies);
        applyMeshKeyframe(meshes, message.meshes);
        const firstCamera = cameraMonitor.cameraName === '' && message.cameras.length > 0;
        setMonitorCamera(cameraMonitor, message.cameras[0] ?? null);
        if (firstCamera && renderer?.xr.isPresenting === true) standAtTheMonitor();
        if (probe.cameraMonitor !== undefined) probe.cameraMonitor.camera = cameraMonitor.cameraName;
        if (probe.meshes !== undefined) probe.meshes.count = meshes.byId.size;
        participant = message.participant;
        backlogPending = true;
        panel?.participant(message.participant);
        setStatus('connected', `connected, participant ${message.participant}, ${message.bodies.length} bodies`);
        break;
      case 'snapshot':
        applySnapshot(bodies, message.updates);
        applyMeshDeltas(meshes, message.meshes);
        if (probe.meshes !== undefined) probe.meshes.verticesApplied = meshes.verticesApplied;
        vibrateContacts(message.forces, xrControls?.hands.left.source ?? null, xrControls?.hands.right.source ?? null, contact);
        break;
      case 'mesh':
        applyMeshTopology(meshes, message.mesh);
        if (probe.meshes !== undefined) probe.meshes.count = meshes.byId.size;
        break;
      case 'events':
        applyBoardEvents(board, message.events, participant, !backlogPending);
        backlogPending = false;
        panel?.message(message);
        break;
      case 'reply':
        panel?.message(message);
        break;
    }
  };

  /** Sounds and vibrations the session asked for since the last frame. */
  const playBoardCues = (): void => {
    for (let i = 0; i < board.pending.length; i++) {
      const cue = board.pending[i]!;
      if (cue.kind !== 'grab') sound.play(cue.kind);
      else if (xrControls !== null) vibrate(xrControls.hands[cue.hand].source, cue.held ? GRAB_PULSE : RELEASE_PULSE);
    }
    board.pending.length = 0;
  };

  const frame = (timeMs: number): void => {
    if (renderer === null) return;
    const started = performance.now();
    if (boardPanel !== null) {
      boardPanel.panel.mesh.visible = panelsWanted && boardHasContent(board);
      updateBoardPanel(boardPanel, board);
    }
    playBoardCues();
    if (xrControls !== null && renderer.xr.isPresenting) {
      handMarker.visible = false;
      readViewerPose(renderer.xr, head);
      updateXrControls(xrControls);
      sendInput(timeMs);
      renderMonitorCamera(cameraMonitor, renderer, scene);
      renderer.render(scene, camera);
      probe.xr.frames += 1;
      if (probe.cameraMonitor !== undefined) probe.cameraMonitor.frames = cameraMonitor.frames;
      recordRenderStats(probe, renderer.info, performance.now() - started);
      return;
    }
    handMarker.visible = true;
    handMarker.position.copy(hand.position);
    orbit?.update();
    sendInput(timeMs);
    if (tick !== shownTick && timeMs - lastTickTextMs >= TICK_TEXT_INTERVAL_MS) {
      tickText.textContent = `tick ${tick}`;
      shownTick = tick;
      lastTickTextMs = timeMs;
    }
    renderMonitorCamera(cameraMonitor, renderer, scene);
    if (probe.cameraMonitor !== undefined) probe.cameraMonitor.frames = cameraMonitor.frames;
    renderer.render(scene, camera);
    recordRenderStats(probe, renderer.info, performance.now() - started);
  };

  const resize = (): void => {
    if (renderer === null || renderer.xr.isPresenting) return;
    const width = Math.max(1, viewport.clientWidth);
    const height = Math.max(1, viewport.clientHeight);
    renderer.setSize(width, height);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  };
  const resizeObserver = new ResizeObserver(resize);
  let detachHand = (): void => {};
  let orbit: OrbitControls | null = null;
  let xrControls: ReturnType<typeof createXrControls> | null = null;
  let xrEntry: XrEntry | null = null;
  if (renderer !== null) {
    const r = renderer;
    xrControls = createXrControls({
      xr: r.xr,
      scene,
      rig,
      head,
      hoverable: bodies.group.children,
      teleportBlockers: [tableBox()],
      togglePanels: () => {
        panelsWanted = !panelsWanted;
      },
      panelsShown: () => panelsWanted,
      exit: () => xrEntry?.exit(),
    });
    xrEntry = createXrEntry(r, {
      started(_session, mode) {
        if (cameraMonitor.cameraName !== '') standAtTheMonitor();
        probe.xr.presenting = true;
        probe.xr.mode = mode;
      setPassthrough(scene, mode === 'immersive-ar');
        if (orbit !== null) orbit.enabled = false;
      },
      ended() {
        probe.xr.presenting = false;
      setPassthrough(scene, false);
        recentre(rig);
        // The headset moved the camera; give the desktop its view back.
        camera.position.copy(desktopPose.position);
        camera.quaternion.copy(desktopPose.quaternion);
        if (orbit !== null) orbit.enabled = true;
        resize();
      },
      framebufferScale: () => 1,
    });
    xrSlot.append(xrEntry.element);
  }
  if (renderer !== null) {
    renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    renderer.domElement.id = 'scene-canvas';
    viewport.append(renderer.domElement);
    resizeObserver.observe(viewport);
    resize();
    detachHand = attachDesktopHand(renderer.domElement, camera, bodies.group, hand, () => sendInput(performance.now()));
    // Attached after the desktop hand, which keeps a pointer that grabbed a body to itself.
    orbit = new OrbitControls(camera, renderer.domElement);
    orbit.target.set(TABLE_CENTRE.x, TABLE_CENTRE.y, TABLE_CENTRE.z);
    orbit.maxDistance = 4;
    orbit.update();
    renderer.setAnimationLoop(frame);
  }

  // The module's part of the room (web/src/modules/<id>/): what it adds to the
  // in-world board and the cues its events call for. Before the first EVENTS.
  const openRoom = (kind: string | null): void => {
    board.room = kind === null ? null : (moduleUiFor(kind)?.room?.() ?? null);
    boardPanel = createBoardPanel(board.room?.board ?? null);
    boardPanel.panel.mesh.visible = false;
    scene.add(boardPanel.panel.mesh);
  };

  // A module's own panel (web/src/modules/<id>/), or the generic one when the
  // module serves actions or cues but has no view of its own.
  const openPanel = async (session: Session): Promise<void> => {
    const scenarios = await listScenarios().catch(() => []);
    if (disposed) return;
    const scenario = findScenario(scenarios, session.kind);
    sessionName.textContent = `${session.title} · ${scenario?.title ?? session.kind}`;
    const options: ModulePanelOptions = {
      sessionId,
      session,
      scenario,
      canInstruct: user !== null && (user.role === 'instructor' || user.role === 'admin'),
      send: {
        action: (request) => sendNumbered((s) => encodeAction(tick, s, request)),
        control: (request) => sendNumbered((s) => encodeControl(tick, s, request)),
      },
    };
    const ui = moduleUiFor(session.kind);
    if (ui?.panel !== undefined) panel = ui.panel(options);
    else if (scenario !== null && (scenario.actionSpecs.length > 0 || scenario.actions.length > 0 || scenario.cues.length > 0)) panel = createModulePanel(options);
    if (panel === null) return;
    body.dataset['layout'] = panel.layout;
    body.append(panel.element);
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
    openRoom(session?.kind ?? null);
    if (session !== null && moduleOfKind(session.kind) !== null) await openPanel(session);
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
        panel?.joined?.();
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
      xrEntry?.dispose();
      renderer?.setAnimationLoop(null);
      detachHand();
      orbit?.dispose();
      if (xrControls !== null) disposeXrControls(xrControls);
      sound.dispose();
      resizeObserver.disconnect();
      clearBodies(bodies);
      clearSceneMeshes(meshes);
      if (boardPanel !== null) disposeBoardPanel(boardPanel);
      disposeCameraMonitor(cameraMonitor);
      renderer?.dispose();
    },
  };
}
