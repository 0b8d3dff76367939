import type { Scenario, ServedModule } from '../api/types';
import { pickerValue } from '../modules/kind';

/** One entry of the new-session scenario picker. */
export interface ScenarioChoice {
  /** An open room's module id (`sandbox`), a scenario's kind, or `kind:variant`. */
  value: string;
  label: string;
  /** The session title the form suggests. */
  title: string;
  description: string;
  /** The optgroup (the scenario's title), or null for an open room. */
  group: string | null;
}

/** What a server that does not serve its modules (GET /api/modules answers 404) runs without a scenario. */
export const SANDBOX_CHOICE: ScenarioChoice = {
  value: 'sandbox',
  label: 'Sandbox',
  title: 'Sandbox',
  description: 'Free play: grab and move the objects on the table.',
  group: null,
};

/**
 * The modules' open rooms, in the order served: sessions of kind `<id>` that
 * run without a scenario. `modules` null (a server older than GET
 * /api/modules, or the list not loaded yet): the sandbox, which such servers run.
 */
export function openRoomChoices(modules: readonly ServedModule[] | null): ScenarioChoice[] {
  if (modules === null) return [SANDBOX_CHOICE];
  return modules
    .filter((m) => m.openRoom)
    .map((m) => ({ value: m.id, label: m.title, title: m.title, description: m.description, group: null }));
}

/** The open rooms (`openRoomChoices`), then each scenario followed by its variants. */
export function scenarioChoices(scenarios: readonly Scenario[], modules: readonly ServedModule[] | null = null): ScenarioChoice[] {
  const choices: ScenarioChoice[] = openRoomChoices(modules);
  for (const scenario of scenarios) {
    choices.push({
      value: pickerValue(scenario.kind),
      label: scenario.title,
      title: scenario.title,
      description: scenario.description ?? '',
      group: scenario.title,
    });
    for (const variant of scenario.variants) {
      const variantTitle = variant.title ?? variant.name.replace(/_/g, ' ');
      choices.push({
        value: pickerValue(scenario.kind, variant.name),
        label: `${scenario.title} — ${variantTitle}`,
        title: `${scenario.title} — ${variantTitle}`,
        description: [scenario.description ?? '', variant.description ?? ''].filter((d) => d !== '').join(' '),
        group: scenario.title,
      });
    }
  }
  return choices;
}
