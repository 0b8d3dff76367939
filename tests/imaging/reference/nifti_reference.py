#!/usr/bin/python3
"""Reference reading of a NIfTI file with nibabel, for imaging_test.

Usage: nifti_reference.py FILE [VOLUME_INDEX]
Prints JSON: shape (3D), volume_count, spacing, origin and direction in LPS,
and statistics of the scaled voxel values of one 3D volume (sum, min, max and
sampled voxels). Run with Debian's /usr/bin/python3 (python3-nibabel).
"""
import json
import sys

import nibabel as nib
import numpy as np


def best_affine(header):
    # The NIfTI-1 standard's choice: sform if its code is set, else qform,
    # else "method 1" (voxel sizes only). nibabel's own fallback for the last
    # case is the Analyze convention, which the standard does not use.
    sform, scode = header.get_sform(coded=True)
    if scode:
        return sform
    qform, qcode = header.get_qform(coded=True)
    if qcode:
        return qform
    zooms = header['pixdim'][1:4]
    return np.diag([zooms[0], zooms[1], zooms[2], 1.0])


def main():
    path = sys.argv[1]
    index = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    img = nib.load(path)
    if not hasattr(img.header, 'get_sform'):  # CIFTI-2 and other NIfTI-2 payloads
        img = nib.Nifti2Image.from_filename(path)
    shape = tuple(int(n) for n in img.shape)
    shape3 = (shape + (1, 1, 1))[:3]
    volume_count = int(np.prod(shape[3:])) if len(shape) > 3 else 1
    data = np.asanyarray(img.dataobj)
    data = data.reshape(shape3 + (volume_count,), order='F')[..., index]
    values = np.asarray(data, dtype=np.float64)
    ras = best_affine(img.header).astype(np.float64)
    lps = np.diag([-1.0, -1.0, 1.0, 1.0]) @ ras
    linear = lps[:3, :3]
    spacing = np.linalg.norm(linear, axis=0)
    direction = linear / spacing
    rng = np.random.default_rng(7)
    samples = []
    for _ in range(16):
        ijk = [int(rng.integers(0, n)) for n in shape3]
        value = float(values[tuple(ijk)])
        samples.append(ijk + [None if np.isnan(value) else value])
    print(json.dumps({
        'shape': list(shape3),
        'volume_count': volume_count,
        'spacing': spacing.tolist(),
        'origin': lps[:3, 3].tolist(),
        'direction': direction.tolist(),  # rows of the 3x3 matrix
        'sum': float(np.nansum(values)),
        'min': float(np.nanmin(values)),
        'max': float(np.nanmax(values)),
        'nan_count': int(np.isnan(values).sum()),
        'samples': samples,
    }))


if __name__ == '__main__':
    main()
