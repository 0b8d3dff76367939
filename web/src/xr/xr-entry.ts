import type { WebGLRenderer } from 'three';
import { el } from '../pages/element';

export type ImmersiveMode = 'immersive-vr' | 'immersive-ar';

export interface XrEntryOptions {
  /** Called once the session runs (the renderer presents to the headset). */
  started(session: XRSession, mode: ImmersiveMode): void;
  /** Called when the session ended, by the user, the browser or `exit()`. */
  ended(): void;
  /**
   * Framebuffer scale for the next session: below 1 while a volume is ray
   * marched (headsets are phones: fewer fragments keep a frame under budget).
   */
  framebufferScale(): number;
}

export interface XrEntry {
  /** The buttons, for the page's tool bar. */
  element: HTMLElement;
  /** Starts a session (the button's click; tests may also call it through the button). */
  enter(mode: ImmersiveMode): Promise<void>;
  exit(): void;
  dispose(): void;
}

// Hand tracking and layers are asked for, not required: a headset or
// browser without them still enters with controllers.
const SESSION_INIT: XRSessionInit = {
  requiredFeatures: ['local-floor'],
  optionalFeatures: ['hand-tracking'],
};

/**
 * "Enter VR" and "Enter AR" buttons for a renderer. Each button appears
 * only when the browser offers that mode (`isSessionSupported`); without
 * WebXR (most desktops, plain http on a LAN) a short note says why.
 */
export function createXrEntry(renderer: WebGLRenderer, options: XrEntryOptions): XrEntry {
  const vr = el('button', { type: 'button', id: 'enter-vr', class: 'xr-button', hidden: '' }, 'Enter VR');
  const ar = el('button', { type: 'button', id: 'enter-ar', class: 'xr-button', hidden: '' }, 'Enter AR');
  const note = el('span', { class: 'xr-note', id: 'xr-note' }, '');
  const element = el('span', { class: 'xr-entry' }, vr, ar, note);
  let session: XRSession | null = null;
  let disposed = false;

  const onEnded = (): void => {
    session?.removeEventListener('end', onEnded);
    session = null;
    vr.textContent = 'Enter VR';
    ar.textContent = 'Enter AR';
    options.ended();
  };

  const enter = async (mode: ImmersiveMode): Promise<void> => {
    const xr = navigator.xr;
    if (xr === undefined || session !== null) return;
    note.textContent = '';
    try {
      const next = await xr.requestSession(mode, SESSION_INIT);
      if (disposed) {
        await next.end();
        return;
      }
      renderer.xr.enabled = true;
      renderer.xr.setReferenceSpaceType('local-floor');
      renderer.xr.setFramebufferScaleFactor(options.framebufferScale());
      await renderer.xr.setSession(next);
      session = next;
      next.addEventListener('end', onEnded);
      (mode === 'immersive-vr' ? vr : ar).textContent = mode === 'immersive-vr' ? 'Exit VR' : 'Exit AR';
      options.started(next, mode);
    } catch (failure) {
      note.textContent = `cannot enter ${mode === 'immersive-vr' ? 'VR' : 'AR'}: ${failure instanceof Error ? failure.message : String(failure)}`;
    }
  };

  const exit = (): void => {
    void session?.end();
  };

  const toggle = (mode: ImmersiveMode) => (): void => {
    if (session !== null) exit();
    else void enter(mode);
  };
  vr.addEventListener('click', toggle('immersive-vr'));
  ar.addEventListener('click', toggle('immersive-ar'));
  void offerModes(vr, ar, note);

  return {
    element,
    enter,
    exit,
    dispose() {
      disposed = true;
      exit();
    },
  };
}

async function offerModes(vr: HTMLElement, ar: HTMLElement, note: HTMLElement): Promise<void> {
  const xr = navigator.xr;
  if (xr === undefined) {
    note.textContent = window.isSecureContext ? '' : 'headsets need HTTPS (see README: Headsets)';
    return;
  }
  const [hasVr, hasAr] = await Promise.all([
    xr.isSessionSupported('immersive-vr').catch(() => false),
    xr.isSessionSupported('immersive-ar').catch(() => false),
  ]);
  vr.hidden = !hasVr;
  ar.hidden = !hasAr;
}
