import { describe, expect, it } from 'vitest';
import type { Scenario } from '../api/types';
import { newSessionFields } from '../modules/kind';
import { scenarioChoices } from './scenario-choices';

const scenarios: Scenario[] = [
  {
    kind: 'emergency/acls-vf',
    module: 'emergency',
    id: 'acls-vf',
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
  { kind: 'emergency/triage-start', module: 'emergency', id: 'triage-start', title: 'Triage', variants: [], roles: [], cues: [], actions: [], actionSpecs: [], metrics: [] },
];

describe('scenarioChoices', () => {
  it('offers the sandbox alone when there are no scenarios', () => {
    expect(scenarioChoices([]).map((c) => c.value)).toEqual(['sandbox']);
  });

  it('offers the sandbox, then each scenario and its variants', () => {
    const choices = scenarioChoices(scenarios);
    expect(choices.map((c) => [c.value, c.label, c.group])).toEqual([
      ['sandbox', 'Sandbox', null],
      ['emergency/acls-vf', 'Cardiac arrest', 'Cardiac arrest'],
      ['emergency/acls-vf:hypoxia', 'Cardiac arrest — Reversible cause: hypoxia', 'Cardiac arrest'],
      ['emergency/acls-vf:toxins', 'Cardiac arrest — toxins', 'Cardiac arrest'],
      ['emergency/triage-start', 'Triage', 'Triage'],
    ]);
    expect(choices[2]?.description).toBe('VF arrest. Obstructed airway.');
    expect(choices.map((c) => newSessionFields(c.value))).toEqual([
      { kind: 'sandbox' },
      { kind: 'emergency/acls-vf' },
      { kind: 'emergency/acls-vf', variant: 'hypoxia' },
      { kind: 'emergency/acls-vf', variant: 'toxins' },
      { kind: 'emergency/triage-start' },
    ]);
  });
});
