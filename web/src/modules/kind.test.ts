import { describe, expect, it } from 'vitest';
import type { Scenario } from '../api/types';
import { findScenario, moduleOfKind, newSessionFields, pickerValue, splitKind } from './kind';

const acls: Scenario = {
  kind: 'emergency/acls-vf',
  module: 'emergency',
  id: 'acls-vf',
  title: 'ACLS',
  variants: [{ name: 'hypoxia' }],
  roles: [],
  cues: [],
  actions: [],
  actionSpecs: [],
  metrics: [],
};

describe('session kinds', () => {
  it('knows emergency kinds', () => {
    expect(moduleOfKind('emergency/acls-vf')).toBe('emergency');
    expect(moduleOfKind('emergency/acls-vf:hypoxia')).toBe('emergency');
    expect(moduleOfKind('laparoscopy/peg-transfer')).toBe('laparoscopy');
    expect(moduleOfKind('sandbox')).toBe(null);
    expect(moduleOfKind('')).toBe(null);
    expect(moduleOfKind(null)).toBe(null);
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
