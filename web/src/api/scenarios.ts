import { requestJson } from './request';
import type { Scenario, ServedActionSpec } from './types';

/** The scenarios a session can run (GET /api/scenarios); lists may be missing in older servers. */
export async function listScenarios(): Promise<Scenario[]> {
  const body = await requestJson<unknown>('GET', '/api/scenarios');
  const list = Array.isArray(body) ? body : [];
  return list.filter(isScenario).map((s) => ({
    ...s,
    variants: Array.isArray(s.variants) ? s.variants : [],
    roles: named(s.roles),
    cues: named(s.cues),
    actions: Array.isArray(s.actions) ? s.actions.filter((a): a is string => typeof a === 'string') : [],
    actionSpecs: specs((s as { action_specs?: unknown }).action_specs),
    metrics: Array.isArray(s.metrics) ? s.metrics : [],
  }));
}

function specs(list: unknown): ServedActionSpec[] {
  if (!Array.isArray(list)) return [];
  return (list as unknown[]).filter(
    (a): a is ServedActionSpec => typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string',
  );
}

// A cue or role may come as a bare name (the scenario file allows `- patient_vomits`).
function named<T extends { name: string }>(list: unknown): T[] {
  if (!Array.isArray(list)) return [];
  const out: T[] = [];
  for (const item of list as unknown[]) {
    if (typeof item === 'string') out.push({ name: item } as T);
    else if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') {
      out.push(item as T);
    }
  }
  return out;
}

function isScenario(value: unknown): value is Scenario {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<Scenario>;
  return typeof s.kind === 'string' && typeof s.title === 'string';
}
