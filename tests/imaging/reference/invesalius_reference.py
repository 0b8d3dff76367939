"""Independent read of an InVesalius .inv3 project for the C++ reader's test.

Opens the gzipped tar with the standard library's tarfile, reads main.plist
with plistlib and the matrix with numpy, and prints JSON: shape, spacing,
dtype, value statistics, per-slice sums and sampled voxels (k, j, i, value).
"""

import json
import plistlib
import sys
import tarfile

import numpy as np


def main(path):
    with tarfile.open(path, "r:gz") as tar:
        members = {m.name.rsplit("/", 1)[-1]: m for m in tar.getmembers() if m.isfile()}
        main_plist = plistlib.loads(tar.extractfile(members["main.plist"]).read())
        matrix_info = main_plist["matrix"]
        raw = tar.extractfile(members[matrix_info["filename"]]).read()
    shape = tuple(int(n) for n in matrix_info["shape"])
    data = np.frombuffer(raw, dtype="<" + np.dtype(matrix_info["dtype"]).str[1:]).reshape(shape)
    rng = np.random.default_rng(5)
    samples = []
    for _ in range(200):
        k, j, i = (int(rng.integers(0, n)) for n in shape)
        samples.append([k, j, i, int(data[k, j, i])])
    print(json.dumps({
        "shape": list(shape),
        "dtype": matrix_info["dtype"],
        "spacing": [float(s) for s in main_plist["spacing"]],
        "modality": main_plist.get("modality", ""),
        "min": int(data.min()),
        "max": int(data.max()),
        "sum": int(data.astype(np.int64).sum()),
        "sum_squares": int((data.astype(np.int64) ** 2).sum()),
        "slice_sums": [int(s) for s in data.astype(np.int64).sum(axis=(1, 2))],
        "samples": samples,
    }))


if __name__ == "__main__":
    main(sys.argv[1])
