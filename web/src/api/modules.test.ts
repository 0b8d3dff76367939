import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listModules, parseModules } from './modules';
import { ApiError } from './request';

// web/src/modules/fixtures/modules.json is `medvision modules`, which is what GET /api/modules answers.
const served: unknown = JSON.parse(readFileSync(new URL('../modules/fixtures/modules.json', import.meta.url), 'utf8'));

function serve(status: number, body: unknown): string[] {
  const urls: string[] = [];
  vi.stubGlobal('fetch', async (url: string) => {
    urls.push(url);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  return urls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the served modules', () => {
  it('reads every module of the fixture with its fields', () => {
    const modules = parseModules(served);
    expect(modules.map((m) => m.id)).toEqual((served as { id: string }[]).map((m) => m.id));
    const sandbox = modules.find((m) => m.id === 'sandbox');
    expect(sandbox?.openRoom).toBe(true);
    expect(sandbox?.title).toBe('Sandbox');
    expect(sandbox?.inputs.every((i) => i.name !== '' && i.rateHz > 0)).toBe(true);
    const emergency = modules.find((m) => m.id === 'emergency');
    expect(emergency?.openRoom).toBe(false);
    expect(emergency?.judgement).toBe('assessed');
    expect(emergency?.lateJoinerEvents).toEqual(['vitals']);
    expect(emergency?.actions.some((a) => a.name === 'shock')).toBe(true);
    expect(emergency?.metrics.length).toBeGreaterThan(0);
  });

  it('drops entries without an id and fills what an older server leaves out', () => {
    expect(parseModules({ not: 'a list' })).toEqual([]);
    expect(parseModules([null, 3, { title: 'no id' }, { id: 'sandbox' }])).toEqual([
      { id: 'sandbox', title: 'sandbox', description: '', judgement: '', openRoom: false, projections: [], inputs: [], actions: [], metrics: [], lateJoinerEvents: [] },
    ]);
  });

  it('asks GET /api/modules', async () => {
    const urls = serve(200, served);
    const modules = await listModules();
    expect(urls).toEqual(['/api/modules']);
    expect(modules.filter((m) => m.openRoom).map((m) => m.id)).toEqual(['sandbox']);
  });

  it('rejects with the status when the server has no such route', async () => {
    serve(404, { error: 'no such route', code: 'not_found' });
    await expect(listModules()).rejects.toEqual(new ApiError('no such route', 404, 'not_found'));
  });
});
