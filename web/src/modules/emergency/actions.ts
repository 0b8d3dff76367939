// The emergency module's own words for its actions: the group headings of
// its panel and one line per action for the team's feed. The forms
// themselves come from the served specs (ui/action-form.ts).

export const GROUP_LABELS: Record<string, string> = {
  team: 'Team',
  cpr: 'CPR and defibrillation',
  airway: 'Airway and breathing',
  circulation: 'Circulation and drugs',
  haemorrhage: 'Bleeding',
  triage: 'Triage',
  other: 'Other actions',
};

/** One line for the feed: "give drug epinephrine 1 mg". */
export function describeAction(name: string, params: Readonly<Record<string, unknown>> | undefined): string {
  const p = params ?? {};
  const text = (key: string): string => (typeof p[key] === 'string' || typeof p[key] === 'number' ? String(p[key]).replace(/_/g, ' ') : '');
  const join = (...parts: string[]): string => parts.filter((x) => x !== '').join(' ');
  switch (name) {
    case 'assign_role':
      return join('takes role', text('role'));
    case 'compressions':
      if (p['on'] === false) return 'stops compressions';
      return join('starts compressions', p['depth_mm'] !== undefined ? `${text('depth_mm')} mm` : '', p['rate_per_min'] !== undefined ? `${text('rate_per_min')}/min` : '');
    case 'shock':
      return join('shocks', p['energy_J'] !== undefined ? `${text('energy_J')} J` : '');
    case 'rhythm_check':
      return 'checks the rhythm';
    case 'pulse_check':
      return 'checks for a pulse';
    case 'give_drug':
      return join('gives', text('drug'), p['dose_mg'] !== undefined ? `${text('dose_mg')} mg` : '');
    case 'give_fluid':
      return join('gives', p['volume_mL'] !== undefined ? `${text('volume_mL')} mL` : '', text('fluid'), p['rate_mL_per_min'] !== undefined ? `at ${text('rate_mL_per_min')} mL/min` : '');
    case 'access':
      return join('obtains', text('route').toUpperCase(), 'access');
    case 'airway':
      return join('airway:', text('state'));
    case 'oxygen':
      return join('oxygen, FiO₂', text('fraction'));
    case 'ventilate':
      return join('ventilates', p['rate_per_min'] !== undefined ? `${text('rate_per_min')}/min` : '', p['tidal_volume_mL'] !== undefined ? `${text('tidal_volume_mL')} mL` : '');
    case 'treat_cause':
      return join('treats', text('cause'));
    case 'recognise_shock':
      return 'recognises shock';
    case 'pressure':
      return join('applies pressure', text('site') === '' ? '' : `to ${text('site')}`);
    case 'tourniquet':
      return join('applies a tourniquet', text('site') === '' ? '' : `to ${text('site')}`);
    case 'pack_wound':
      return join('packs the wound', text('site') === '' ? '' : `(${text('site')})`);
    case 'control_bleeding':
      return join('controls bleeding', text('site') === '' ? '' : `(${text('site')})`);
    case 'tag':
      return join('tags', text('patient'), text('tag'));
    case 'reposition_airway':
      return join('repositions the airway of', text('patient'));
    default: {
      const rest = Object.entries(p)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      return join(name.replace(/_/g, ' '), rest);
    }
  }
}
