import type { Scenario } from '../api/types';

// Session kinds: `sandbox`, or a scenario's kind (`emergency/acls-vf`). The
// server's module factory also reads `emergency/acls-vf:hypoxia` as the
// scenario and its variant, so both spellings are understood here.

/** The module a kind belongs to: `emergency` for `emergency/acls-vf`; null for the sandbox. */
export function moduleOfKind(kind: string | null | undefined): string | null {
  if (typeof kind !== 'string') return null;
  const slash = kind.indexOf('/');
  return slash <= 0 ? null : kind.slice(0, slash);
}

export interface KindParts {
  /** The scenario's kind without a variant, e.g. `emergency/acls-vf`. */
  scenarioKind: string;
  variant: string | null;
}

export function splitKind(kind: string): KindParts {
  const colon = kind.indexOf(':');
  if (colon < 0) return { scenarioKind: kind, variant: null };
  const variant = kind.slice(colon + 1);
  return { scenarioKind: kind.slice(0, colon), variant: variant === '' ? null : variant };
}

/** The scenario a session kind runs, if the list has it. */
export function findScenario(scenarios: readonly Scenario[], kind: string): Scenario | null {
  const { scenarioKind } = splitKind(kind);
  return scenarios.find((s) => s.kind === scenarioKind) ?? null;
}

/** A picker value for a scenario and variant: `emergency/acls-vf` or `emergency/acls-vf:hypoxia`. */
export function pickerValue(kind: string, variant?: string | null): string {
  return variant === undefined || variant === null || variant === '' ? kind : `${kind}:${variant}`;
}

/** The body fields of POST /api/sessions for a picker value. */
export function newSessionFields(value: string): { kind: string; variant?: string } {
  const { scenarioKind, variant } = splitKind(value === '' ? 'sandbox' : value);
  return variant === null ? { kind: scenarioKind } : { kind: scenarioKind, variant };
}
