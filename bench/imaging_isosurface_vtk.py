"""VTK reference for imaging_isosurface_bench: vtkFlyingEdges3D on a raw volume.

Run with Debian's Python (/usr/bin/python3, which sees python3-vtk9):
    /usr/bin/python3 imaging_isosurface_vtk.py FILE NX NY NZ SX SY SZ ISO REPEATS THREADS
FILE holds NX*NY*NZ little-endian float32 values, x fastest. Prints one JSON
line: best and median wall seconds (and median process CPU seconds) of filter.Update() over REPEATS runs (the
volume is loaded once, outside the timing), the triangle count and the
surface area (vtkMassProperties). Normals and scalars are switched off, as
the MedVision extractor computes neither.
"""
import json
import statistics
import sys
import time

import numpy as np
import vtk
from vtk.util import numpy_support


def main():
    path = sys.argv[1]
    nx, ny, nz = (int(v) for v in sys.argv[2:5])
    spacing = tuple(float(v) for v in sys.argv[5:8])
    iso = float(sys.argv[8])
    repeats = int(sys.argv[9])
    threads = int(sys.argv[10])
    if threads > 0:
        vtk.vtkSMPTools.Initialize(threads)

    values = np.fromfile(path, dtype="<f4")
    assert values.size == nx * ny * nz, "raw file size does not match the dimensions"
    image = vtk.vtkImageData()
    image.SetDimensions(nx, ny, nz)
    image.SetSpacing(*spacing)
    array = numpy_support.numpy_to_vtk(values, deep=True, array_type=vtk.VTK_FLOAT)
    array.SetName("values")
    image.GetPointData().SetScalars(array)

    times = []
    cpu_times = []
    output = None
    for _ in range(repeats):
        surface = vtk.vtkFlyingEdges3D()
        surface.SetInputData(image)
        surface.SetValue(0, iso)
        surface.ComputeNormalsOff()
        surface.ComputeGradientsOff()
        surface.ComputeScalarsOff()
        start = time.perf_counter()
        cpu_start = time.process_time()
        surface.Update()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
        output = surface.GetOutput()

    mass = vtk.vtkMassProperties()
    mass.SetInputData(output)
    mass.Update()
    print(json.dumps({
        "backend": vtk.vtkSMPTools.GetBackend(),
        "threads": vtk.vtkSMPTools.GetEstimatedNumberOfThreads(),
        "seconds_best": min(times),
        "seconds_median": statistics.median(times),
        "cpu_seconds_median": statistics.median(cpu_times),
        "triangles": output.GetNumberOfPolys(),
        "points": output.GetNumberOfPoints(),
        "area": mass.GetSurfaceArea(),
    }))


if __name__ == "__main__":
    main()
