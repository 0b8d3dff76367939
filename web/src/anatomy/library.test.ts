import { describe, expect, it } from 'vitest';
import type { Model, Series, Study } from '../api/library';
import { anatomyRoute, defaultView, modelStatusText, needsPolling, studyView } from './library';

// Shapes as the REST contract (docs/api.md, imaging library) gives them.
function model(id: string, fields: Partial<Model> = {}): Model {
  return {
    id,
    series_id: 'ser_x',
    name: id,
    kind: 'labels',
    status: 'ready',
    progress: 1,
    structures: 116,
    triangles: 678416,
    glb: `/api/models/${id}.glb`,
    stl: `/api/models/${id}.stl`,
    ...fields,
  };
}

function series(id: string, models: Model[]): Series {
  return {
    id,
    study_id: 'stu_x',
    description: '',
    modality: 'MR',
    dimensions: [181, 217, 181],
    spacing_mm: [1, 1, 1],
    unit: '',
    volume: `/api/series/${id}/volume.json`,
    models,
  };
}

function study(id: string, fields: Partial<Study>, seriesList: Series[]): Study {
  return { id, title: id, description: '', library: 'teaching', modality: 'MR', source: 'bundled', created_at: '2026-12-03T07:00:00Z', series: seriesList, ...fields };
}

const skull = model('mdl_skull', { kind: 'threshold', threshold: 300, name: 'Skull', structures: 1, triangles: 250000 });
const headCt = (m: Model = skull): Study => study('stu_ct', { title: 'Head CT', modality: 'CT' }, [series('ser_ct', [m])]);
const brain = (m: Model = model('mdl_aal', { name: 'AAL atlas' })): Study =>
  study('stu_brain', { title: 'Colin27 brain MRI (AAL atlas)' }, [series('ser_brain', [m])]);

describe('anatomy routes', () => {
  it('opens the library without parameters and a study with study=ID', () => {
    expect(anatomyRoute('')).toEqual({ kind: 'library', studyId: null });
    expect(anatomyRoute('study=stu_7')).toEqual({ kind: 'library', studyId: 'stu_7' });
    expect(anatomyRoute('study=')).toEqual({ kind: 'library', studyId: null });
  });

  it('keeps model=URL&volume=URL and the phantom as the viewer alone', () => {
    expect(anatomyRoute('model=%2Fa.glb&volume=%2Fv.json')).toEqual({ kind: 'viewer' });
    expect(anatomyRoute('volume=%2Fv.json')).toEqual({ kind: 'viewer' });
    expect(anatomyRoute('phantom')).toEqual({ kind: 'viewer' });
  });
});

describe('the default view of the library', () => {
  it('opens the bundled brain atlas with its volume, even when the CT is listed first', () => {
    const view = defaultView([headCt(), brain()]);
    expect(view.kind).toBe('open');
    if (view.kind !== 'open') return;
    expect(view.selection.model?.id).toBe('mdl_aal');
    expect(view.source).toEqual({ modelUrl: '/api/models/mdl_aal.glb', volumeUrl: '/api/series/ser_brain/volume.json', preset: null });
  });

  it('waits for the brain atlas while it builds when nothing is ready', () => {
    const building = model('mdl_aal', { status: 'building', progress: 0.42 });
    const view = defaultView([brain(building), headCt(model('mdl_skull', { status: 'building', progress: 0.9 }))]);
    expect(view.kind).toBe('building');
    if (view.kind === 'building') expect(view.selection.model.id).toBe('mdl_aal');
  });

  it('waits for the brain rather than open the ready skull and replace it a moment later', () => {
    const view = defaultView([headCt(), brain(model('mdl_aal', { status: 'building', progress: 0.1 }))]);
    expect(view.kind === 'building' && view.selection.model.id).toBe('mdl_aal');
  });

  it('opens the next bundled study when the brain model failed', () => {
    const view = defaultView([brain(model('mdl_aal', { status: 'failed', error: 'aal.nii.gz is missing' })), headCt()]);
    expect(view.kind === 'open' && view.selection.model?.id).toBe('mdl_skull');
  });

  it('prefers bundled studies to imported ones', () => {
    const imported = study('stu_imp', { source: 'import' }, [series('ser_imp', [model('mdl_imp')])]);
    const view = defaultView([imported, headCt()]);
    expect(view.kind === 'open' && view.selection.model?.id).toBe('mdl_skull');
  });

  it('says so when the library is empty, and shows a volume when no study has a model', () => {
    expect(defaultView([])).toEqual({ kind: 'empty', message: 'The library has no studies yet.' });
    const view = defaultView([study('stu_v', { source: 'import' }, [series('ser_v', [])])]);
    expect(view.kind === 'open' && view.source).toEqual({ modelUrl: null, volumeUrl: '/api/series/ser_v/volume.json', preset: null });
  });

  it('does not open a failed model', () => {
    const view = defaultView([brain(model('mdl_aal', { status: 'failed', error: 'aal.nii.gz: no such file' }))]);
    expect(view.kind === 'open' && view.selection.model).toBe(null);
  });
});

describe('a chosen study', () => {
  it('opens its labelled model before a threshold model', () => {
    const s = study('stu_two', {}, [series('ser_a', [model('mdl_t', { kind: 'threshold' })]), series('ser_b', [model('mdl_l')])]);
    const view = studyView(s);
    expect(view.kind === 'open' && [view.selection.series.id, view.selection.model?.id]).toEqual(['ser_b', 'mdl_l']);
  });

  it('shows a failed model with its reason when the study has nothing else', () => {
    const failed = model('mdl_f', { status: 'failed', error: 'threshold above every voxel' });
    expect(studyView(study('stu_f', {}, [])).kind).toBe('empty');
    expect(modelStatusText(failed)).toBe('failed: threshold above every voxel');
  });
});

describe('polling and status text', () => {
  it('polls while a model builds or before the bundled studies are listed, not after', () => {
    expect(needsPolling([])).toBe(true);
    expect(needsPolling([brain(model('mdl_aal', { status: 'building', progress: 0 }))])).toBe(true);
    expect(needsPolling([brain(), headCt()])).toBe(false);
  });

  it('reads progress as a percentage and a ready model as its size', () => {
    expect(modelStatusText(model('m', { status: 'building', progress: 0.426 }))).toBe('building… 43%');
    expect(modelStatusText(model('m'))).toBe('ready: 116 structures, 678,416 triangles');
    expect(modelStatusText(model('m', { structures: 1, triangles: 1 }))).toBe('ready: 1 structure, 1 triangle');
  });
});
