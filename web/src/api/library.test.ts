import { afterEach, describe, expect, it, vi } from 'vitest';
import { createModel, getModel, getStudy, listStudies } from './library';
import { ApiError } from './request';

// Answers as the server's imaging library routes give them (docs/api.md).
const AAL = {
  id: 'mdl_1',
  series_id: 'ser_1',
  name: 'AAL atlas',
  kind: 'labels',
  status: 'building',
  progress: 0.25,
  structures: 0,
  triangles: 0,
  glb: '/api/models/mdl_1.glb',
  stl: '/api/models/mdl_1.stl',
};
const BRAIN = {
  id: 'stu_1',
  title: 'Colin27 brain MRI (AAL atlas)',
  description: 'MNI Colin27 T1 with the AAL atlas',
  library: 'teaching',
  modality: 'MR',
  source: 'bundled',
  created_at: '2026-12-03T07:00:00Z',
  series: [
    {
      id: 'ser_1',
      study_id: 'stu_1',
      description: 'T1',
      modality: 'MR',
      dimensions: [181, 217, 181],
      spacing_mm: [1, 1, 1],
      unit: '',
      volume: '/api/series/ser_1/volume.json',
      models: [AAL],
    },
  ],
};

interface Call {
  url: string;
  method: string;
  body: unknown;
}

function serve(status: number, body: unknown): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('imaging library client', () => {
  it('lists studies with their series and models', async () => {
    const calls = serve(200, [BRAIN]);
    const studies = await listStudies();
    expect(calls).toEqual([{ url: '/api/studies', method: 'GET', body: undefined }]);
    expect(studies).toHaveLength(1);
    expect(studies[0]?.series[0]?.volume).toBe('/api/series/ser_1/volume.json');
    expect(studies[0]?.series[0]?.models[0]).toMatchObject({ status: 'building', progress: 0.25, glb: '/api/models/mdl_1.glb' });
  });

  it('reads one study and one model, escaping ids in the path', async () => {
    let calls = serve(200, BRAIN);
    expect((await getStudy('stu_1')).title).toBe('Colin27 brain MRI (AAL atlas)');
    calls = serve(200, { ...AAL, status: 'ready', progress: 1, structures: 116, triangles: 678416 });
    const ready = await getModel('mdl/1');
    expect(calls[0]?.url).toBe('/api/models/mdl%2F1');
    expect(ready).toMatchObject({ status: 'ready', structures: 116 });
  });

  it('asks for a threshold model and returns it building', async () => {
    const calls = serve(202, { ...AAL, id: 'mdl_2', kind: 'threshold', threshold: 300, name: 'Skull', progress: 0 });
    const made = await createModel('ser_1', { threshold: 300, name: 'Skull' });
    expect(calls[0]).toEqual({ url: '/api/series/ser_1/models', method: 'POST', body: { threshold: 300, name: 'Skull' } });
    expect(made).toMatchObject({ status: 'building', kind: 'threshold', threshold: 300 });
  });

  it("passes on the server's refusal with its status", async () => {
    serve(403, { error: 'patient records are for clinicians and admins', code: 'forbidden' });
    const refused = await getStudy('stu_9').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 403, message: 'patient records are for clinicians and admins' });
  });

  it('names the field that does not fit the contract', async () => {
    serve(200, [{ ...BRAIN, series: [{ ...BRAIN.series[0], models: [{ ...AAL, status: 'queued' }] }] }]);
    await expect(listStudies()).rejects.toThrow('GET /api/studies [0].series[0].models[0] has status "queued"');
    serve(200, { studies: 'none' });
    await expect(listStudies()).rejects.toThrow('is not a list of studies');
    serve(200, [{ ...BRAIN, library: 'public' }]);
    await expect(listStudies()).rejects.toThrow('has library "public"');
  });

  it('clamps progress into 0..1 and reads a missing progress from the status', async () => {
    const { progress: _dropped, ...noProgress } = AAL;
    serve(200, [{ ...BRAIN, series: [{ ...BRAIN.series[0], models: [{ ...AAL, progress: 1.7 }, { ...noProgress, status: 'ready' }] }] }]);
    const models = (await listStudies())[0]?.series[0]?.models;
    expect(models?.map((m) => m.progress)).toEqual([1, 1]);
  });
});
