import { ApiError, requestJson } from './request';

/**
 * The imaging library (docs/api.md, "Imaging library"): studies in the
 * `teaching` and `patient` libraries, their series (each with a volume
 * texture) and the surface models built from a series. The server answers
 * only what the caller may see; this module checks the shapes it relies on
 * and says which field is wrong, so a server change shows up as a clear
 * message instead of a blank view.
 */

export type LibraryName = 'teaching' | 'patient';
export type ModelStatus = 'building' | 'ready' | 'failed';

export interface Model {
  id: string;
  series_id: string;
  name: string;
  kind: 'labels' | 'threshold';
  threshold?: number;
  status: ModelStatus;
  /** 0..1 while building. */
  progress: number;
  error?: string;
  structures: number;
  triangles: number;
  /** URL of the glTF binary, e.g. /api/models/{id}.glb. */
  glb: string;
  stl: string;
}

export interface Series {
  id: string;
  study_id: string;
  description: string;
  modality: string;
  dimensions: [number, number, number];
  spacing_mm: [number, number, number];
  unit: string;
  /** URL of the volume texture's JSON header (its `data` names the raw file). */
  volume: string;
  models: Model[];
}

export interface Study {
  id: string;
  title: string;
  description: string;
  library: LibraryName;
  modality: string;
  source: 'bundled' | 'import' | 'pacs';
  patient_id?: string;
  created_at: string;
  series: Series[];
}

/** GET /api/studies: every study the caller may see. */
export async function listStudies(): Promise<Study[]> {
  const body = await requestJson<unknown>('GET', '/api/studies');
  const list = Array.isArray(body) ? body : (body as { studies?: unknown } | null)?.studies;
  if (!Array.isArray(list)) throw malformed('GET /api/studies', 'is not a list of studies');
  return list.map((s, i) => checkStudy(s, `GET /api/studies [${i}]`));
}

export async function getStudy(id: string): Promise<Study> {
  const path = `/api/studies/${encodeURIComponent(id)}`;
  return checkStudy(await requestJson<unknown>('GET', path), `GET ${path}`);
}

export async function getModel(id: string): Promise<Model> {
  const path = `/api/models/${encodeURIComponent(id)}`;
  return checkModel(await requestJson<unknown>('GET', path), `GET ${path}`);
}

/** A label source the server knows (`"aal"`) or a threshold in the series' unit: 202 with a building model. */
export type ModelRequest = { threshold: number; name?: string } | { labels: string; name?: string };

export async function createModel(seriesId: string, request: ModelRequest): Promise<Model> {
  const path = `/api/series/${encodeURIComponent(seriesId)}/models`;
  return checkModel(await requestJson<unknown>('POST', path, request), `POST ${path}`);
}

function checkStudy(value: unknown, where: string): Study {
  const s = record(value, where);
  text(s, 'id', where);
  text(s, 'title', where);
  if (s['library'] !== 'teaching' && s['library'] !== 'patient') throw malformed(where, `has library ${JSON.stringify(s['library'])}`);
  if (!Array.isArray(s['series'])) throw malformed(where, 'has no series list');
  return {
    ...(s as unknown as Study),
    description: typeof s['description'] === 'string' ? s['description'] : '',
    modality: typeof s['modality'] === 'string' ? s['modality'] : '',
    series: s['series'].map((x, i) => checkSeries(x, `${where}.series[${i}]`)),
  };
}

function checkSeries(value: unknown, where: string): Series {
  const s = record(value, where);
  text(s, 'id', where);
  text(s, 'volume', where);
  const models = s['models'] ?? [];
  if (!Array.isArray(models)) throw malformed(where, 'has models that are not a list');
  return {
    ...(s as unknown as Series),
    description: typeof s['description'] === 'string' ? s['description'] : '',
    modality: typeof s['modality'] === 'string' ? s['modality'] : '',
    models: models.map((m, i) => checkModel(m, `${where}.models[${i}]`)),
  };
}

function checkModel(value: unknown, where: string): Model {
  const m = record(value, where);
  text(m, 'id', where);
  text(m, 'name', where);
  text(m, 'glb', where);
  const status = m['status'];
  if (status !== 'building' && status !== 'ready' && status !== 'failed') throw malformed(where, `has status ${JSON.stringify(status)}`);
  const progress = typeof m['progress'] === 'number' && Number.isFinite(m['progress']) ? Math.min(1, Math.max(0, m['progress'])) : status === 'ready' ? 1 : 0;
  return {
    ...(m as unknown as Model),
    progress,
    structures: typeof m['structures'] === 'number' ? m['structures'] : 0,
    triangles: typeof m['triangles'] === 'number' ? m['triangles'] : 0,
  };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(where, 'is not an object');
  return value as Record<string, unknown>;
}

function text(r: Record<string, unknown>, key: string, where: string): void {
  if (typeof r[key] !== 'string' || r[key] === '') throw malformed(where, `has no "${key}" text`);
}

function malformed(where: string, what: string): ApiError {
  return new ApiError(`The server's answer to ${where} ${what}`, 200, 'malformed');
}
