import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModules } from '../api/modules';
import type { Scenario } from '../api/types';
import { newSessionFields } from '../modules/kind';
import { openRoomChoices, SANDBOX_CHOICE, scenarioChoices } from './scenario-choices';

// What GET /api/modules answers: web/src/modules/fixtures/modules.json is
// `medvision modules`, kept equal to the server's by the ctest modules_fixture.
const served: unknown = JSON.parse(readFileSync(new URL('../modules/fixtures/modules.json', import.meta.url), 'utf8'));
const modules = parseModules(served);

const scenarios: Scenario[] = [
  {
    kind: 'drill/arrest',
    module: 'drill',
    id: 'arrest',
    title: 'Cardiac arrest',
    description: 'VF arrest.',
    variants: [
      { name: 'hypoxia', title: 'Reversible cause: hypoxia', description: 'Obstructed airway.' },
      { name: 'toxins' },
    ],
    roles: [],
    cues: [],
    actions: [],
    actionSpecs: [],
    metrics: [],
  },
  { kind: 'drill/triage', module: 'drill', id: 'triage', title: 'Triage', variants: [], roles: [], cues: [], actions: [], actionSpecs: [], metrics: [] },
];

describe('scenarioChoices', () => {
  it('offers the sandbox alone when there are no scenarios', () => {
    expect(scenarioChoices([]).map((c) => c.value)).toEqual(['sandbox']);
  });

  it('offers the sandbox, then each scenario and its variants', () => {
    const choices = scenarioChoices(scenarios);
    expect(choices.map((c) => [c.value, c.label, c.group])).toEqual([
      ['sandbox', 'Sandbox', null],
      ['drill/arrest', 'Cardiac arrest', 'Cardiac arrest'],
      ['drill/arrest:hypoxia', 'Cardiac arrest — Reversible cause: hypoxia', 'Cardiac arrest'],
      ['drill/arrest:toxins', 'Cardiac arrest — toxins', 'Cardiac arrest'],
      ['drill/triage', 'Triage', 'Triage'],
    ]);
    expect(choices[2]?.description).toBe('VF arrest. Obstructed airway.');
    expect(choices.map((c) => newSessionFields(c.value))).toEqual([
      { kind: 'sandbox' },
      { kind: 'drill/arrest' },
      { kind: 'drill/arrest', variant: 'hypoxia' },
      { kind: 'drill/arrest', variant: 'toxins' },
      { kind: 'drill/triage' },
    ]);
  });

  it('offers the served open rooms, titled as served, before the scenarios', () => {
    const rooms = (served as { id: string; title: string; description: string; open_room: boolean }[]).filter((m) => m.open_room);
    expect(rooms.length).toBeGreaterThan(0);
    const choices = scenarioChoices(scenarios, modules);
    expect(choices.slice(0, rooms.length)).toEqual(
      rooms.map((m) => ({ value: m.id, label: m.title, title: m.title, description: m.description, group: null })),
    );
    expect(choices.slice(rooms.length).map((c) => c.value)).toEqual([
      'drill/arrest',
      'drill/arrest:hypoxia',
      'drill/arrest:toxins',
      'drill/triage',
    ]);
    // An open room's session is created with its module id as the kind.
    expect(choices.slice(0, rooms.length).map((c) => newSessionFields(c.value))).toEqual(rooms.map((m) => ({ kind: m.id })));
  });

  it('offers the sandbox from the served modules, and no module that needs a scenario', () => {
    const values = openRoomChoices(modules).map((c) => c.value);
    expect(values).toContain('sandbox');
    const scenarioModules = modules.filter((m) => !m.openRoom).map((m) => m.id);
    expect(scenarioModules.length).toBeGreaterThan(0);
    for (const id of scenarioModules) expect(values).not.toContain(id);
    expect(openRoomChoices(modules).find((c) => c.value === 'sandbox')?.label).toBe('Sandbox');
  });

  it('offers every open room a server serves, in its order, and none when it serves none', () => {
    const rooms = parseModules([
      { id: 'drill', title: 'Drills', open_room: false },
      { id: 'anatomy-room', title: 'Shared anatomy room', description: 'Look at a model together.', open_room: true },
      { id: 'sandbox', title: 'Sandbox', open_room: true },
    ]);
    expect(openRoomChoices(rooms).map((c) => [c.value, c.label, c.description])).toEqual([
      ['anatomy-room', 'Shared anatomy room', 'Look at a model together.'],
      ['sandbox', 'Sandbox', ''],
    ]);
    expect(scenarioChoices(scenarios, parseModules([{ id: 'drill', title: 'Drills', open_room: false }]))[0]?.value).toBe('drill/arrest');
  });

  it('falls back to the sandbox when the server does not serve its modules', () => {
    expect(openRoomChoices(null)).toEqual([SANDBOX_CHOICE]);
    expect(scenarioChoices(scenarios, null)[0]).toEqual(SANDBOX_CHOICE);
    expect(scenarioChoices(scenarios)[0]).toEqual(SANDBOX_CHOICE);
  });
});
