import type { Scenario } from '../api/types';
import { pickerValue } from '../modules/kind';

/** One entry of the new-session scenario picker. */
export interface ScenarioChoice {
  /** `sandbox`, a scenario's kind, or `kind:variant`. */
  value: string;
  label: string;
  /** The session title the form suggests. */
  title: string;
  description: string;
  /** The optgroup (the scenario's title), or null for the sandbox. */
  group: string | null;
}

export const SANDBOX_CHOICE: ScenarioChoice = {
  value: 'sandbox',
  label: 'Sandbox',
  title: 'Sandbox',
  description: 'Free play: grab and move the objects on the table.',
  group: null,
};

/** "Sandbox", then each scenario followed by its variants. */
export function scenarioChoices(scenarios: readonly Scenario[]): ScenarioChoice[] {
  const choices: ScenarioChoice[] = [SANDBOX_CHOICE];
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
