"""Bone in Debian's InVesalius head CT, counted independently for imaging_test.

Usage: bone_reference.py PROJECT.inv3 HU
Reads the project with tarfile/plistlib/numpy, turns each image back to
top-row-first order (as the C++ reader does), labels the voxels >= HU with
scipy.ndimage.label (face connectivity) and prints JSON: all bone voxels,
the component count, and the largest component's voxel count and index
bounding box [[i0, j0, k0], [i1, j1, k1]] (inclusive).
"""
import json
import plistlib
import sys
import tarfile

import numpy as np
from scipy import ndimage


def main(path, hu):
    with tarfile.open(path, 'r:gz') as tar:
        members = {m.name.rsplit('/', 1)[-1]: m for m in tar.getmembers() if m.isfile()}
        info = plistlib.loads(tar.extractfile(members['main.plist']).read())
        raw = tar.extractfile(members[info['matrix']['filename']]).read()
    shape = tuple(int(n) for n in info['matrix']['shape'])
    volume = np.frombuffer(raw, dtype='<i2').reshape(shape)[:, ::-1, :]
    bone = volume >= hu
    labels, count = ndimage.label(bone)
    sizes = np.bincount(labels.ravel())[1:]
    largest = int(np.argmax(sizes)) + 1
    k, j, i = np.nonzero(labels == largest)
    print(json.dumps({
        'bone_voxels': int(bone.sum()),
        'components': int(count),
        'largest_voxels': int(sizes[largest - 1]),
        'largest_box': [[int(i.min()), int(j.min()), int(k.min())], [int(i.max()), int(j.max()), int(k.max())]],
    }))


if __name__ == '__main__':
    main(sys.argv[1], float(sys.argv[2]))
