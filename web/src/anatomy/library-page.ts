import { ApiError } from '../api';
import { getStudy, listStudies, type Model, type Study } from '../api/library';
import { el } from '../pages/element';
import type { Navigation, Page } from '../pages/page';
import { parseAnatomySource, renderAnatomyView } from './anatomy-view';
import { anatomyRoute, defaultView, modelStatusText, needsPolling, studyView, type LibraryView } from './library';

// A model builds in seconds (the AAL brain in about 4 s): poll often enough to show progress move.
const POLL_MS = 1000;

/** Every `#/anatomy` route: the library, or the viewer alone for given URLs or the generated phantom. */
export function renderAnatomyRoute(root: HTMLElement, query: string, nav: Navigation): Page {
  const route = anatomyRoute(query);
  if (route.kind === 'viewer') return renderAnatomyView(root, parseAnatomySource(query));
  return renderLibraryPage(root, route.studyId, nav);
}

/**
 * `#/anatomy` and `#/anatomy?study=ID`: the imaging library beside the
 * 3D viewer. The list shows each study (title, modality, library) and its
 * models with their status, and a progress bar while one is building; it
 * is fetched again until nothing builds. The viewer opens the study's
 * model with its series' volume (by default the bundled brain atlas), or
 * shows the progress of the model it waits for and opens it once ready.
 */
export function renderLibraryPage(root: HTMLElement, studyId: string | null, nav: Navigation): Page {
  const error = el('p', { class: 'error', role: 'alert', id: 'library-error' });
  const list = el('ul', { class: 'library-studies', id: 'library-studies' }, el('li', { class: 'muted' }, 'loading the library…'));
  const viewer = el('div', { class: 'library-viewer', id: 'library-viewer' });
  root.replaceChildren(
    el(
      'section',
      { class: 'anatomy-library' },
      el('aside', { class: 'library-list', id: 'library-list' }, el('h2', {}, el('a', { href: '#/anatomy' }, 'Anatomy library')), error, list),
      viewer,
    ),
  );

  let disposed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let shownKey = '';
  let viewerPage: Page | null = null;

  const show = (view: LibraryView): void => {
    const key = viewKey(view);
    if (key === shownKey) {
      if (view.kind === 'building') updatePending(viewer, view.selection.model);
      return;
    }
    shownKey = key;
    viewerPage?.dispose();
    viewerPage = null;
    if (view.kind === 'open') {
      const pane = el('div', { class: 'library-pane' });
      viewer.replaceChildren(pane);
      viewerPage = renderAnatomyView(pane, view.source);
    } else if (view.kind === 'building') {
      viewer.replaceChildren(pendingPane(view.selection.study, view.selection.model));
    } else if (view.kind === 'failed') {
      viewer.replaceChildren(el('p', { class: 'viewport-message', id: 'library-pending', 'data-state': 'failed' }, `${view.selection.model.name}: ${modelStatusText(view.selection.model)}`));
    } else {
      viewer.replaceChildren(el('p', { class: 'viewport-message', id: 'library-pending', 'data-state': 'empty' }, view.message));
    }
  };

  const refresh = async (): Promise<void> => {
    timer = null;
    const studies = await listStudies();
    if (disposed) return;
    list.replaceChildren(...(studies.length > 0 ? studies.map(studyItem) : [el('li', { class: 'muted' }, 'No studies yet.')]));
    // A study not in the list is asked for by id, so its 404 or 403 reaches the user.
    const chosen = studyId === null ? null : (studies.find((s) => s.id === studyId) ?? (await getStudy(studyId)));
    if (disposed) return;
    error.textContent = '';
    const view = chosen !== null ? studyView(chosen) : defaultView(studies);
    show(view);
    markCurrent(list, view.kind === 'empty' ? null : view.selection.study.id);
    if (needsPolling(studies)) timer = setTimeout(poll, POLL_MS);
  };

  const poll = (): void => {
    refresh().catch((failure: unknown) => {
      if (disposed) return;
      if (failure instanceof ApiError && failure.status === 401) {
        nav.loggedOut();
        return;
      }
      error.textContent = failure instanceof ApiError ? failure.message : String(failure);
      // A 404/403 for the chosen study is final; anything else (the server restarting) is tried again.
      const final = failure instanceof ApiError && (failure.status === 403 || failure.status === 404);
      if (!final) timer = setTimeout(poll, POLL_MS * 3);
    });
  };
  poll();

  return {
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      viewerPage?.dispose();
    },
  };
}

function viewKey(view: LibraryView): string {
  if (view.kind === 'empty') return `empty:${view.message}`;
  const { study, series, model } = view.selection;
  return `${view.kind}:${study.id}:${series.id}:${model?.id ?? ''}`;
}

function studyItem(study: Study): HTMLLIElement {
  const models = study.series.flatMap((s) => s.models);
  return el(
    'li',
    { class: 'study', 'data-study-id': study.id },
    el('a', { href: `#/anatomy?study=${encodeURIComponent(study.id)}`, class: 'study-title' }, study.title),
    el('span', { class: 'study-meta' }, [study.modality, study.library === 'patient' ? 'patient record' : 'teaching'].filter((x) => x !== '').join(' · ')),
    models.length === 0
      ? el('span', { class: 'muted' }, 'volume only')
      : el('ul', { class: 'study-models' }, ...models.map(modelItem)),
  );
}

function modelItem(model: Model): HTMLLIElement {
  return el(
    'li',
    { class: 'model', 'data-model-id': model.id, 'data-status': model.status },
    el('span', { class: 'model-name' }, model.name),
    ' ',
    el('span', { class: 'model-status' }, modelStatusText(model)),
    model.status === 'building' ? progressBar(model.progress) : null,
  );
}

function progressBar(fraction: number): HTMLProgressElement {
  const bar = el('progress', { max: '1', value: String(fraction) });
  bar.value = fraction;
  return bar;
}

function pendingPane(study: Study, model: Model): HTMLElement {
  return el(
    'div',
    { class: 'library-pending', id: 'library-pending', 'data-state': 'building' },
    el('p', {}, `${study.title}: ${model.name} is being built; it opens here when ready.`),
    el('p', { id: 'library-progress-text' }, modelStatusText(model)),
    el('progress', { id: 'library-progress', max: '1', value: String(model.progress) }),
  );
}

function updatePending(viewer: HTMLElement, model: Model): void {
  const text = viewer.querySelector('#library-progress-text');
  const bar = viewer.querySelector<HTMLProgressElement>('#library-progress');
  if (text !== null) text.textContent = modelStatusText(model);
  if (bar !== null) bar.value = model.progress;
}

function markCurrent(list: HTMLElement, studyId: string | null): void {
  for (const item of list.querySelectorAll<HTMLElement>('li.study')) {
    if (item.dataset['studyId'] === studyId) item.setAttribute('aria-current', 'true');
    else item.removeAttribute('aria-current');
  }
}
