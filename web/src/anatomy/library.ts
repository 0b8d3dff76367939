import type { Model, Series, Study } from '../api/library';
import type { AnatomySource } from './anatomy-view';

/**
 * What the anatomy library shows, decided from the study list alone (no
 * DOM, no fetch), so it can be specified by tests: which model and volume
 * open by default or for a chosen study, what a model's status reads, and
 * whether the list must be polled again.
 */

/**
 * Which page an `#/anatomy` query opens: `model=URL` and/or `volume=URL`
 * open the viewer on those files (as before the library existed),
 * `phantom` the viewer on the generated head phantom (the frame-time
 * benchmark's scene); otherwise the library, on `study=ID` if given.
 */
export function anatomyRoute(query: string): { kind: 'viewer' } | { kind: 'library'; studyId: string | null } {
  const params = new URLSearchParams(query);
  if (params.has('model') || params.has('volume') || params.has('phantom')) return { kind: 'viewer' };
  const study = params.get('study');
  return { kind: 'library', studyId: study !== null && study !== '' ? study : null };
}

/** A study's series and model to open; `model` null means the volume alone. */
export interface LibrarySelection {
  study: Study;
  series: Series;
  model: Model | null;
}

/** What the viewer pane shows for a selection. */
export type LibraryView =
  | { kind: 'open'; selection: LibrarySelection; source: AnatomySource }
  | { kind: 'building'; selection: LibrarySelection & { model: Model } }
  | { kind: 'failed'; selection: LibrarySelection & { model: Model } }
  | { kind: 'empty'; message: string };

/**
 * The default view of `#/anatomy`: the model of a bundled MR study built
 * from labels (the Colin27 brain with its AAL atlas), else of another
 * bundled study, else of any study. The first of these with a ready model
 * opens; one whose model is still building shows its progress and opens
 * when ready (rather than another model opening first and being replaced
 * under the user's hands); studies whose models failed are passed over.
 */
export function defaultView(studies: readonly Study[]): LibraryView {
  const bundled = studies.filter((s) => s.source === 'bundled');
  const ranked = [...bundled.filter(isBrainAtlas), ...bundled.filter((s) => !isBrainAtlas(s)), ...studies.filter((s) => s.source !== 'bundled')];
  for (const study of ranked) {
    const selection = readySelection(study);
    if (selection !== null) return open(selection);
    const building = modelSelection(study, (m) => m.status === 'building');
    if (building !== null) return { kind: 'building', selection: building };
  }
  if (studies.length === 0) return { kind: 'empty', message: 'The library has no studies yet.' };
  const first = studies[0]!;
  const series = first.series[0];
  if (series === undefined) return { kind: 'empty', message: `${first.title} has no series.` };
  return open({ study: first, series, model: null });
}

/** The view of `#/anatomy?study=ID`: its first ready model (labels first), else one building, else its first volume. */
export function studyView(study: Study): LibraryView {
  const ready = readySelection(study);
  if (ready !== null) return open(ready);
  const building = modelSelection(study, (m) => m.status === 'building');
  if (building !== null) return { kind: 'building', selection: building };
  const failed = modelSelection(study, (m) => m.status === 'failed');
  const series = study.series[0];
  if (series === undefined) return failed !== null ? { kind: 'failed', selection: failed } : { kind: 'empty', message: `${study.title} has no series.` };
  return open({ study, series, model: null });
}

/** The list must be fetched again: a model is still building, or the server has not listed its bundled studies yet. */
export function needsPolling(studies: readonly Study[]): boolean {
  return studies.length === 0 || studies.some((s) => s.series.some((x) => x.models.some((m) => m.status === 'building')));
}

/** A model's status as the list shows it. */
export function modelStatusText(model: Model): string {
  switch (model.status) {
    case 'ready':
      return `ready: ${plural(model.structures, 'structure')}, ${plural(model.triangles, 'triangle')}`;
    case 'building':
      return `building… ${Math.round(model.progress * 100)}%`;
    case 'failed':
      return `failed: ${model.error ?? 'no reason given'}`;
  }
}

function open(selection: LibrarySelection): LibraryView {
  return {
    kind: 'open',
    selection,
    source: { modelUrl: selection.model?.glb ?? null, volumeUrl: selection.series.volume, preset: null },
  };
}

function readySelection(study: Study): LibrarySelection | null {
  return modelSelection(study, (m) => m.status === 'ready' && m.kind === 'labels') ?? modelSelection(study, (m) => m.status === 'ready');
}

function modelSelection(study: Study, accept: (m: Model) => boolean): (LibrarySelection & { model: Model }) | null {
  for (const series of study.series) {
    const model = series.models.find(accept);
    if (model !== undefined) return { study, series, model };
  }
  return null;
}

function isBrainAtlas(study: Study): boolean {
  return study.modality === 'MR' && study.series.some((s) => s.models.some((m) => m.kind === 'labels'));
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}
