import { describe, expect, it } from 'vitest';
import type { Scenario } from '../api/types';
import { findScenario, isEmergencyKind, newSessionFields, pickerValue, splitKind } from './kind';

const acls: Scenario = {
  kind: 'emergency/acls-vf',
  module: 'emergency',
  id: 'acls-vf',
  title: 'ACLS',
  variants: [{ name: 'hypoxia' }],
  roles: [],
  cues: [],
  actions: [],
};

describe('session kinds', () => {
  it('knows emergency kinds', () => {
    expect(isEmergencyKind('emergency/acls-vf')).toBe(true);
    expect(isEmergencyKind('emergency/acls-vf:hypoxia')).toBe(true);
    expect(isEmergencyKind('sandbox')).toBe(false);
    expect(isEmergencyKind('')).toBe(false);
    expect(isEmergencyKind(null)).toBe(false);
  });

  it('splits a kind and its variant', () => {
    expect(splitKind('emergency/acls-vf')).toEqual({ scenarioKind: 'emergency/acls-vf', variant: null });
    expect(splitKind('emergency/acls-vf:hypoxia')).toEqual({ scenarioKind: 'emergency/acls-vf', variant: 'hypoxia' });
    expect(splitKind('emergency/acls-vf:')).toEqual({ scenarioKind: 'emergency/acls-vf', variant: null });
  });

  it('finds the scenario of a kind, with or without a variant', () => {
    expect(findScenario([acls], 'emergency/acls-vf')).toBe(acls);
    expect(findScenario([acls], 'emergency/acls-vf:hypoxia')).toBe(acls);
    expect(findScenario([acls], 'emergency/triage-start')).toBeNull();
  });

  it('turns picker values into POST /api/sessions fields', () => {
    expect(pickerValue('emergency/acls-vf')).toBe('emergency/acls-vf');
    expect(pickerValue('emergency/acls-vf', 'hypoxia')).toBe('emergency/acls-vf:hypoxia');
    expect(newSessionFields('sandbox')).toEqual({ kind: 'sandbox' });
    expect(newSessionFields('')).toEqual({ kind: 'sandbox' });
    expect(newSessionFields('emergency/acls-vf')).toEqual({ kind: 'emergency/acls-vf' });
    expect(newSessionFields('emergency/acls-vf:hypoxia')).toEqual({ kind: 'emergency/acls-vf', variant: 'hypoxia' });
  });
});
