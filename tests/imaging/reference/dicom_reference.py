#!/usr/bin/python3
"""Reference reading of a DICOM image or series with pydicom, for imaging_test.

Usage: dicom_reference.py FILE [FILE...]
       dicom_reference.py --status FILE [FILE...]
The files form one series (one file may hold several frames). Prints JSON:
  status: "ok", "colour" (not greyscale), "no_pixels" or "undecodable"
  shape [columns, rows, frames], spacing, origin and direction (rows of the
  3x3 matrix whose columns are the i, j, k axes) in LPS, and statistics of
  the rescaled values (Rescale Slope/Intercept, per-frame Pixel Value
  Transformation, RT Dose Grid Scaling): sum, min, max, sampled voxels.
Geometry follows PS3.3 C.7.6.2 (Image Plane), C.7.6.16 (functional groups)
and C.8.8.3.2 (Grid Frame Offset Vector), written here independently of the
C++ reader. Run with Debian's /usr/bin/python3 (python3-pydicom, numpy).
With --status, each file is read on its own and only the statuses are
printed, {"statuses": {FILE: status}}, in one process (imaging_test counts the
files that it compares with this).
"""
import json
import sys
import warnings

import numpy as np
import pydicom

warnings.simplefilter('ignore')


def numbers(ds, keyword):
    value = ds.get(keyword)
    if value is None or value == '':
        return None
    if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
        return [float(v) for v in value]
    return [float(value)]


def first_item(ds, keyword):
    seq = ds.get(keyword)
    return seq[0] if seq else None


def frame_attributes(ds, n_frames):
    """Per frame: (position, orientation, pixel spacing, slope, intercept)."""
    base = {
        'position': numbers(ds, 'ImagePositionPatient'),
        'orientation': numbers(ds, 'ImageOrientationPatient'),
        'spacing': numbers(ds, 'PixelSpacing'),
        'slope': float(ds.get('RescaleSlope', 1.0) or 1.0),
        'intercept': float(ds.get('RescaleIntercept', 0.0) or 0.0),
    }
    if 'DoseGridScaling' in ds:
        base['slope'], base['intercept'] = float(ds.DoseGridScaling), 0.0

    def apply(group, attrs):
        item = first_item(group, 'PlanePositionSequence')
        if item is not None:
            attrs['position'] = numbers(item, 'ImagePositionPatient')
        item = first_item(group, 'PlaneOrientationSequence')
        if item is not None:
            attrs['orientation'] = numbers(item, 'ImageOrientationPatient')
        item = first_item(group, 'PixelMeasuresSequence')
        if item is not None and numbers(item, 'PixelSpacing'):
            attrs['spacing'] = numbers(item, 'PixelSpacing')
        item = first_item(group, 'PixelValueTransformationSequence')
        if item is not None:
            attrs['slope'] = float(item.get('RescaleSlope', attrs['slope']))
            attrs['intercept'] = float(item.get('RescaleIntercept', attrs['intercept']))

    shared = first_item(ds, 'SharedFunctionalGroupsSequence')
    if shared is not None:
        apply(shared, base)
    per_frame = ds.get('PerFrameFunctionalGroupsSequence')
    offsets = numbers(ds, 'GridFrameOffsetVector')
    frames = []
    for f in range(n_frames):
        attrs = dict(base)
        if per_frame is not None and len(per_frame) == n_frames:
            apply(per_frame[f], attrs)
        elif n_frames > 1 and offsets and len(offsets) == n_frames and base['position'] and base['orientation']:
            o = np.array(base['orientation'])
            normal = np.cross(o[:3], o[3:])
            normal /= np.linalg.norm(normal)
            shift = offsets[f] if offsets[0] == 0 else offsets[f] - base['position'][2]
            attrs['position'] = list(np.array(base['position']) + shift * normal)
        frames.append(attrs)
    return frames


def reference(paths):
    frames = []  # (attrs, 2D array)
    first = None
    for path in paths:
        ds = pydicom.dcmread(path, force=True)
        if first is None:
            first = ds
        if 'PixelData' not in ds or 'Rows' not in ds:
            return {'status': 'no_pixels'}
        if int(ds.get('SamplesPerPixel', 1)) != 1 or not str(ds.get('PhotometricInterpretation', '')).startswith('MONOCHROME'):
            return {'status': 'colour'}
        n = int(ds.get('NumberOfFrames', 1) or 1)
        try:
            pixels = ds.pixel_array
        except Exception as e:  # missing codec or broken data
            return {'status': 'undecodable', 'error': str(e)[:200],
                    'shape': [int(ds.Columns), int(ds.Rows), n]}
        pixels = pixels.reshape((n, int(ds.Rows), int(ds.Columns)))
        for attrs, plane in zip(frame_attributes(ds, n), pixels):
            frames.append((attrs, plane))

    orientation = frames[0][0]['orientation']
    placed = all(a['position'] and a['orientation'] for a, _ in frames)
    spacing_rc = frames[0][0]['spacing'] or [1.0, 1.0]
    gap = None
    for keyword in ('SpacingBetweenSlices', 'SliceThickness'):
        v = numbers(first, keyword)
        if v and v[0] > 0:
            gap = v[0]
            break
    if placed:
        o = np.array(orientation)
        row, col = o[:3] / np.linalg.norm(o[:3]), o[3:] / np.linalg.norm(o[3:])
        normal = np.cross(row, col)
        normal /= np.linalg.norm(normal)
        frames.sort(key=lambda fr: float(np.dot(fr[0]['position'], normal)))
        origin = frames[0][0]['position']
        if len(frames) > 1:
            dz = float(np.dot(np.array(frames[-1][0]['position']) - np.array(frames[0][0]['position']), normal)) / (len(frames) - 1)
        else:
            dz = gap or 1.0
        direction = np.column_stack([row, col, normal])
    else:
        origin, direction, dz = [0.0, 0.0, 0.0], np.eye(3), gap or 1.0

    volume = np.stack([plane.astype(np.float64) * a['slope'] + a['intercept'] for a, plane in frames])  # [k, j, i]
    rng = np.random.default_rng(11)
    samples = []
    for _ in range(24):
        k, j, i = (int(rng.integers(0, s)) for s in volume.shape)
        samples.append([i, j, k, float(volume[k, j, i])])
    return {
        'status': 'ok',
        'shape': [volume.shape[2], volume.shape[1], volume.shape[0]],
        'spacing': [float(spacing_rc[1]), float(spacing_rc[0]), float(dz)],
        'origin': [float(x) for x in origin],
        'direction': np.asarray(direction, dtype=float).tolist(),
        'sum': float(volume.sum()),
        'min': float(volume.min()),
        'max': float(volume.max()),
        'samples': samples,
    }


def reference_or_unreadable(paths):
    try:
        return reference(paths)
    except Exception as e:  # pydicom cannot make sense of the file at all
        return {'status': 'unreadable', 'error': str(e)[:200]}


if __name__ == '__main__':
    if sys.argv[1:2] == ['--status']:
        print(json.dumps({'statuses': {path: reference_or_unreadable([path])['status']
                                       for path in sys.argv[2:]}}))
    else:
        print(json.dumps(reference_or_unreadable(sys.argv[1:])))
