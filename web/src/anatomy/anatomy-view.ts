import { DoubleSide, Group, Mesh, MeshBasicMaterial, Object3D, PerspectiveCamera, PlaneGeometry, Quaternion, Raycaster, Vector2, Vector3, WebGLRenderer } from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { el } from '../pages/element';
import type { Page } from '../pages/page';
import { isTracked, type TrackedHand } from '../xr/tracked-hands';
import { createModelGrab, updateModelGrab, type HandPose } from '../xr/model-grab';
import { createPlayerRig, recentre } from '../xr/player-rig';
import { createSandboxRoom, setPassthrough, TABLE_CENTRE, tableBox } from '../xr/sandbox-room';
import { publishTestProbe, recordRenderStats, type AnatomyProbe, type HandProbe, type ProbeVector } from '../xr/test-probe';
import { readViewerPose } from '../xr/viewer-pose';
import { createXrControls, disposeXrControls, updateXrControls, type XrControls } from '../xr/xr-controls';
import { createXrEntry, type XrEntry } from '../xr/xr-entry';
import { wristMenuRowCentre } from '../xr/wrist-menu';
import { createAdaptiveStep, updateAdaptiveStep } from './adaptive-step';
import { addMeasurePoint, clearMeasurement, createAnnotations, disposeAnnotations, showLabel } from './annotations';
import { disposeAnatomyModel, loadAnatomyModel, type AnatomyModel } from './glb-model';
import { distanceMm } from './measurement';
import { createHeadPhantom } from './phantom';
import { clearSpecimenClip, clipModel, createSpecimenClip, setSpecimenClip } from './specimen-clip';
import { pickStructure } from './structure-picking';
import { defaultPreset, PRESETS, type PresetName } from './transfer-functions';
import { decodeVolume, prepareVolumeTexture, type VolumeTexture } from './volume-format';
import { decodeVolumeTextureFiles, volumeDataUrl } from './volume-texture-files';
import {
  createVolumeRenderer,
  disposeVolumeRenderer,
  setVolumePreset,
  setVolumeStepScale,
  shiftVolume,
  volumeCentre,
  type VolumeRenderer,
} from './volume-renderer';

/** Where the anatomy view finds its data: a .glb model and/or a volume texture (.mvvol). */
export interface AnatomySource {
  modelUrl: string | null;
  volumeUrl: string | null;
  preset: PresetName | null;
}

/** `#/anatomy?model=URL&volume=URL&preset=ct-bone`; with neither URL, the view shows a generated phantom. */
export function parseAnatomySource(query: string): AnatomySource {
  const params = new URLSearchParams(query);
  const preset = params.get('preset');
  return {
    modelUrl: params.get('model'),
    volumeUrl: params.get('volume'),
    preset: preset !== null && preset in PRESETS ? (preset as PresetName) : null,
  };
}

// The specimen floats above the sandbox table, at a comfortable reach for someone standing at it.
const SPECIMEN_POSITION = new Vector3(TABLE_CENTRE.x, TABLE_CENTRE.y + 0.3, TABLE_CENTRE.z);
// Ray marching is fill-bound: fewer pixels while it runs (headsets are phones).
const VOLUME_PIXEL_RATIO = 0.75;
const XR_VOLUME_FRAMEBUFFER_SCALE = 0.7;
const DESKTOP_FRAME_BUDGET_MS = 16.7;
const HEADSET_FRAME_BUDGET_MS = 11;
const GRAB_REACH_M = 0.1;
const CLICK_SLOP_PX = 5;

export function renderAnatomyView(root: HTMLElement, source: AnatomySource): Page {
  const status = el('span', { class: 'status-line', id: 'anatomy-status', 'data-state': 'loading' }, 'loading…');
  const presetSelect = el(
    'select',
    { id: 'anatomy-preset', 'aria-label': 'Transfer function' },
    ...Object.values(PRESETS).map((p) => el('option', { value: p.name }, p.title)),
  );
  const clipSlider = el('input', { type: 'range', id: 'anatomy-clip', min: '-0.5', max: '0.5', step: '0.01', value: '0.5', 'aria-label': 'Clip depth' });
  const measure = el('input', { type: 'checkbox', id: 'anatomy-measure' });
  const readout = el('span', { id: 'anatomy-readout', class: 'tick' }, '');
  const xrSlot = el('span', { class: 'xr-slot' });
  const viewport = el('div', { class: 'viewport', id: 'viewport' });
  root.replaceChildren(
    el(
      'section',
      { class: 'session-view' },
      el(
        'div',
        { class: 'session-bar' },
        el('a', { href: '#/sessions', class: 'back' }, '← Sessions'),
        el('span', { class: 'session-name' }, 'Anatomy'),
        presetSelect,
        el('label', {}, 'Clip ', clipSlider),
        el('label', {}, measure, ' Measure'),
        readout,
        status,
        xrSlot,
      ),
      el('div', { class: 'session-body' }, viewport),
    ),
  );
  const setStatus = (state: string, text: string): void => {
    status.dataset['state'] = state;
    status.textContent = text;
  };

  let renderer: WebGLRenderer;
  try {
    // alpha: in passthrough (immersive-ar) the real room shows where nothing is drawn.
    renderer = new WebGLRenderer({ antialias: true, alpha: true });
  } catch (failure) {
    setStatus('error', `this browser cannot draw 3D (WebGL): ${failure instanceof Error ? failure.message : String(failure)}`);
    return { dispose() {} };
  }
  // The clipping plane cuts the model's meshes too (specimen-clip.ts).
  renderer.localClippingEnabled = true;
  const camera = new PerspectiveCamera(50, 1, 0.02, 50);
  camera.position.set(0.25, 1.4, -0.2);
  const scene = createSandboxRoom();
  const rig = createPlayerRig(camera);
  const head = new Object3D();
  rig.group.add(head);
  scene.add(rig.group);
  const specimen = new Group();
  specimen.name = 'specimen';
  specimen.position.copy(SPECIMEN_POSITION);
  scene.add(specimen);
  const annotations = createAnnotations();
  scene.add(annotations.group);
  const probe = publishTestProbe(new Map());
  const step = createAdaptiveStep(DESKTOP_FRAME_BUDGET_MS);
  const grab = createModelGrab(specimen);
  let model: AnatomyModel | null = null;
  let volume: VolumeRenderer | null = null;
  let clipInHand = false;
  let disposed = false;
  const clip = createSpecimenClip();
  const anatomyProbe = createAnatomyProbe();
  probe.anatomy = anatomyProbe;

  // The clipping plane held in the left hand: a translucent square on the controller.
  const clipPaddle = new Mesh(new PlaneGeometry(0.12, 0.12), new MeshBasicMaterial({ color: 0x60a5fa, transparent: true, opacity: 0.25, side: DoubleSide }));
  clipPaddle.rotation.x = 0; // faces the grip's -Z: the side cut away is in front of the hand
  clipPaddle.position.set(0, 0, -0.08);
  clipPaddle.visible = false;

  const orbit = new OrbitControls(camera, renderer.domElement);
  orbit.target.copy(SPECIMEN_POSITION);
  orbit.update();

  const raycaster = new Raycaster();
  const pick = (origin: Vector3, direction: Vector3): void => {
    if (model === null) return;
    raycaster.set(origin, direction);
    const hit = pickStructure(raycaster, model);
    if (hit === null) return;
    if (measure.checked) {
      const mm = addMeasurePoint(annotations, hit.point, (p, q) => distanceMm(specimen, p, q));
      readout.textContent = mm === null ? 'pick the second point' : `distance ${mm.toFixed(1)} mm`;
    } else {
      showLabel(annotations, hit.name, hit.point);
      readout.textContent = hit.name;
      anatomyProbe.label = hit.name;
    }
  };

  const xrControls: XrControls = createXrControls({
    xr: renderer.xr,
    scene,
    rig,
    head,
    hoverable: [],
    teleportBlockers: [tableBox()],
    togglePanels: () => {
      annotations.group.visible = !annotations.group.visible;
    },
    panelsShown: () => annotations.group.visible,
    exit: () => xrEntry.exit(),
    select: (_mesh, origin, direction) => pick(origin, direction),
    menuItems: [
      {
        id: 'clip',
        label: () => (clipInHand ? 'Clip plane: in hand' : 'Clip plane: off'),
        choose: () => {
          clipInHand = !clipInHand;
          if (!clipInHand) clearSpecimenClip(clip, volume);
        },
      },
      {
        id: 'measure',
        label: () => (measure.checked ? 'Measure: on' : 'Measure: off'),
        choose: () => {
          measure.checked = !measure.checked;
          clearMeasurement(annotations);
        },
      },
      {
        id: 'preset',
        label: () => `Preset: ${PRESETS[(presetSelect.value as PresetName) ?? 'ct-bone'].title}`,
        choose: () => {
          const names = Object.keys(PRESETS) as PresetName[];
          presetSelect.value = names[(names.indexOf(presetSelect.value as PresetName) + 1) % names.length]!;
          presetSelect.dispatchEvent(new Event('change'));
        },
      },
    ],
  });
  const xrEntry: XrEntry = createXrEntry(renderer, {
    started(_session, mode) {
      probe.xr.presenting = true;
      probe.xr.mode = mode;
      setPassthrough(scene, mode === 'immersive-ar');
      orbit.enabled = false;
      step.targetMs = HEADSET_FRAME_BUDGET_MS;
    },
    ended() {
      probe.xr.presenting = false;
      setPassthrough(scene, false);
      recentre(rig);
      camera.position.copy(desktopPose.position);
      camera.quaternion.copy(desktopPose.quaternion);
      orbit.enabled = true;
      step.targetMs = DESKTOP_FRAME_BUDGET_MS;
      resize();
    },
    framebufferScale: () => (volume !== null ? XR_VOLUME_FRAMEBUFFER_SCALE : 1),
  });
  xrSlot.append(xrEntry.element);
  const desktopPose = { position: camera.position.clone(), quaternion: new Quaternion().copy(camera.quaternion) };

  // Desktop and phone: a click or tap that did not turn the view picks.
  const pointer = new Vector2();
  const down = new Vector2();
  const onDown = (event: PointerEvent): void => {
    down.set(event.clientX, event.clientY);
  };
  const onUp = (event: PointerEvent): void => {
    if (Math.hypot(event.clientX - down.x, event.clientY - down.y) > CLICK_SLOP_PX) return;
    const rect = renderer.domElement.getBoundingClientRect();
    pointer.set(((event.clientX - rect.left) / rect.width) * 2 - 1, -((event.clientY - rect.top) / rect.height) * 2 + 1);
    raycaster.setFromCamera(pointer, camera);
    pick(raycaster.ray.origin, raycaster.ray.direction);
  };
  renderer.domElement.addEventListener('pointerdown', onDown);
  renderer.domElement.addEventListener('pointerup', onUp);

  presetSelect.addEventListener('change', () => {
    if (volume !== null) setVolumePreset(volume, presetSelect.value as PresetName);
    xrControls.menu.dirty = true;
  });
  const clipNormal = new Vector3();
  const clipPoint = new Vector3();
  const applyDesktopClip = (): void => {
    const depth = Number(clipSlider.value);
    if (depth >= 0.5) {
      clearSpecimenClip(clip, volume);
      return;
    }
    // A plane across the view: everything nearer the eye than it is cut away.
    camera.getWorldDirection(clipNormal).negate();
    clipPoint.copy(clipNormal).multiplyScalar(-depth * 2 * specimenRadius() * specimen.scale.x).add(specimen.position);
    setSpecimenClip(clip, clipPoint, clipNormal, volume, model);
  };
  clipSlider.addEventListener('input', applyDesktopClip);

  const leftPose: HandPose = { position: new Vector3(), quaternion: new Quaternion() };
  const rightPose: HandPose = { position: new Vector3(), quaternion: new Quaternion() };
  let holdingLeft = false;
  let holdingRight = false;
  const reach = (hand: TrackedHand, pose: HandPose): boolean => {
    hand.grip.getWorldPosition(pose.position);
    hand.grip.getWorldQuaternion(pose.quaternion);
    const radius = specimenRadius();
    return pose.position.distanceTo(specimen.position) < radius * specimen.scale.x + GRAB_REACH_M;
  };
  const specimenRadius = (): number => Math.max(model?.size.length() ?? 0, volume?.sizeM.length() ?? 0) / 2;
  const holdWith = (hand: TrackedHand, pose: HandPose, holding: boolean): boolean => {
    if (!isTracked(hand) || !hand.squeeze) return false;
    const near = reach(hand, pose);
    return holding || (hand.squeezePressed && near);
  };

  const handPoint = new Vector3();
  const handNormal = new Vector3();
  const xrFrame = (): void => {
    readViewerPose(renderer.xr, head);
    updateXrControls(xrControls);
    const { left, right } = xrControls.hands;
    holdingLeft = holdWith(left, leftPose, holdingLeft);
    holdingRight = holdWith(right, rightPose, holdingRight);
    updateModelGrab(grab, holdingLeft ? leftPose : null, holdingRight ? rightPose : null);
    if (clipPaddle.parent !== left.grip) left.grip.add(clipPaddle);
    clipPaddle.visible = clipInHand && isTracked(left);
    if (clipPaddle.visible) {
      clipPaddle.getWorldPosition(handPoint);
      handNormal.set(0, 0, -1).transformDirection(left.grip.matrixWorld);
      setSpecimenClip(clip, handPoint, handNormal, volume, model);
    }
    const menu = xrControls.menu;
    anatomyProbe.menu.visible = menu.panel.mesh.visible;
    anatomyProbe.menu.pinned = menu.pinned;
    anatomyProbe.menu.hovered = menu.hovered;
    // Rows only while the menu shows (labels are read then, as the menu reads them to draw).
    for (let i = 0; menu.panel.mesh.visible && i < anatomyProbe.menu.rows.length; i++) {
      const row = anatomyProbe.menu.rows[i]!;
      row.label = menu.items[i]?.label() ?? '';
      copyVector(row.centre, wristMenuRowCentre(menu, i, rowCentre));
    }
    probeHand(anatomyProbe.left, left);
    probeHand(anatomyProbe.right, right);
  };
  const rowCentre = new Vector3();
  anatomyProbe.menu.rows = xrControls.menu.items.map((item) => ({ id: item.id, label: item.label(), centre: { x: 0, y: 0, z: 0 } }));
  const probeHand = (out: HandProbe, hand: TrackedHand): void => {
    out.tracked = isTracked(hand);
    out.isHand = hand.isHand;
    out.select = hand.trigger;
    if (!out.tracked) return;
    copyVector(out.grip, hand.grip.getWorldPosition(rowCentre));
    hand.grip.getWorldQuaternion(gripTurn);
    out.gripQuaternion.x = gripTurn.x;
    out.gripQuaternion.y = gripTurn.y;
    out.gripQuaternion.z = gripTurn.z;
    out.gripQuaternion.w = gripTurn.w;
  };
  const gripTurn = new Quaternion();

  let lastFrameMs = 0;
  const frame = (timeMs: number): void => {
    const started = performance.now();
    if (lastFrameMs > 0 && volume !== null) setVolumeStepScale(volume, updateAdaptiveStep(step, timeMs - lastFrameMs));
    lastFrameMs = timeMs;
    if (renderer.xr.isPresenting) {
      xrFrame();
      probe.xr.frames += 1;
    } else {
      orbit.update();
    }
    copyVector(anatomyProbe.position, specimen.position);
    anatomyProbe.scale = specimen.scale.x;
    anatomyProbe.heldLeft = holdingLeft;
    anatomyProbe.heldRight = holdingRight;
    anatomyProbe.clip.active = clip.active;
    anatomyProbe.clip.inHand = clipInHand;
    copyVector(anatomyProbe.clip.point, clip.point);
    copyVector(anatomyProbe.clip.normal, clip.normal);
    renderer.render(scene, camera);
    recordRenderStats(probe, renderer.info, performance.now() - started);
  };

  const resize = (): void => {
    if (renderer.xr.isPresenting) return;
    const width = Math.max(1, viewport.clientWidth);
    const height = Math.max(1, viewport.clientHeight);
    const ratio = Math.min(window.devicePixelRatio, 2) * (volume !== null ? VOLUME_PIXEL_RATIO : 1);
    renderer.setPixelRatio(ratio);
    renderer.setSize(width, height);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
  };
  const resizeObserver = new ResizeObserver(resize);
  renderer.domElement.id = 'scene-canvas';
  viewport.append(renderer.domElement);
  resizeObserver.observe(viewport);
  resize();
  renderer.setAnimationLoop(frame);

  const load = async (): Promise<void> => {
    const parts: string[] = [];
    if (source.volumeUrl !== null || source.modelUrl === null) {
      const texture = source.volumeUrl === null ? prepareVolumeTexture(createHeadPhantom()) : await fetchVolume(source.volumeUrl);
      if (disposed) return;
      const preset = source.preset ?? defaultPreset(texture.modality);
      presetSelect.value = preset;
      volume = createVolumeRenderer(texture, preset);
      specimen.add(volume.mesh);
      parts.push(`volume ${texture.dims.join('×')}${source.volumeUrl === null ? ' (generated phantom)' : ''}`);
    }
    if (source.modelUrl !== null) {
      model = await loadAnatomyModel(source.modelUrl);
      if (disposed) {
        disposeAnatomyModel(model);
        return;
      }
      specimen.add(model.root);
      clipModel(clip, model);
      (xrControls.options.hoverable as Mesh[]).push(...model.meshes);
      parts.push(`model with ${model.names.length} structures`);
    }
    // A volume placed in the patient's frame is centred like the model of the same study, so they line up.
    if (volume !== null && volume.texture.unitCubeToModel !== undefined) {
      const centre = model !== null ? model.centre.clone() : volumeCentre(volume, new Vector3());
      shiftVolume(volume, centre.negate());
    }
    resize();
    probe.connected = true;
    setStatus('connected', parts.join(', '));
  };
  load().catch((failure: unknown) => setStatus('error', `cannot load: ${failure instanceof Error ? failure.message : String(failure)}`));

  return {
    dispose() {
      disposed = true;
      xrEntry.dispose();
      renderer.setAnimationLoop(null);
      renderer.domElement.removeEventListener('pointerdown', onDown);
      renderer.domElement.removeEventListener('pointerup', onUp);
      orbit.dispose();
      resizeObserver.disconnect();
      disposeXrControls(xrControls);
      disposeAnnotations(annotations);
      if (volume !== null) disposeVolumeRenderer(volume);
      if (model !== null) disposeAnatomyModel(model);
      clipPaddle.geometry.dispose();
      clipPaddle.material.dispose();
      renderer.dispose();
    },
  };
}

/**
 * A volume texture: the imaging export's JSON header and raw file (a URL
 * ending in .json, or a JSON data: URL), or a `.mvvol` file (VOLUME-FORMAT.md).
 */
async function fetchVolume(url: string): Promise<VolumeTexture> {
  const get = async (target: string): Promise<Response> => {
    const response = await fetch(target, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`${target} answered ${response.status}`);
    return response;
  };
  if (/\.json(?:$|\?)/.test(url) || url.startsWith('data:application/json')) {
    const header: unknown = await (await get(url)).json();
    const raw = await (await get(volumeDataUrl(url, header))).arrayBuffer();
    return decodeVolumeTextureFiles(header, raw);
  }
  return prepareVolumeTexture(decodeVolume(await (await get(url)).arrayBuffer()));
}

function createAnatomyProbe(): AnatomyProbe {
  const zero = (): ProbeVector => ({ x: 0, y: 0, z: 0 });
  const hand = (): HandProbe => ({ tracked: false, isHand: false, select: false, grip: zero(), gripQuaternion: { x: 0, y: 0, z: 0, w: 1 } });
  return {
    position: zero(),
    scale: 1,
    heldLeft: false,
    heldRight: false,
    label: '',
    clip: { active: false, inHand: false, point: zero(), normal: zero() },
    menu: { visible: false, pinned: false, hovered: -1, rows: [] },
    left: hand(),
    right: hand(),
  };
}

function copyVector(out: ProbeVector, v: { x: number; y: number; z: number }): void {
  out.x = v.x;
  out.y = v.y;
  out.z = v.z;
}
