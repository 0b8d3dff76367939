#!/usr/bin/python3
"""Writes a CT-like axial series for imaging_import_bench with pydicom.

Usage: imaging_ct_series.py OUTDIR [--columns 512] [--rows 512] [--slices 400]

A torso phantom in Hounsfield units, 0.78 x 0.78 x 1.0 mm voxels: air
(-1000), an elliptical body of soft tissue (40) under a fat layer (-100),
two lungs (-850) in the upper half, a contrast-filled aorta (200), a liver
(60), vertebral bodies (cortical shell 1000, trabecular bone 250) separated
by discs (80), ribs (700) every 25 mm in the upper two thirds, and Gaussian
noise (sigma 12 HU, fixed seed). One uncompressed file per slice (uint16,
HU + 1024 with Rescale Intercept -1024), named in slice order. Writes
OUTDIR/series.json (the parameters) last, so an interrupted run is redone.
"""
import argparse
import json
import os

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2'
PIXEL_MM = 0.78125
SLICE_MM = 1.0


def phantom_slice(k, slices, x, y, rng):
    z = k * SLICE_MM
    height = slices * SLICE_MM
    hu = np.full(x.shape, -1000.0)
    body = (x / 170.0) ** 2 + (y / 120.0) ** 2 <= 1.0
    inner = (x / 160.0) ** 2 + (y / 110.0) ** 2 <= 1.0
    hu[body] = -100.0
    hu[inner] = 40.0
    if z > height / 2:  # thorax: lungs
        for side in (-1, 1):
            lung = ((x - side * 75) / 55.0) ** 2 + ((y + 5) / 75.0) ** 2 <= 1.0
            hu[lung] = -850.0
    else:  # abdomen: liver on the patient's right (-x in LPS)
        liver = ((x + 70) / 75.0) ** 2 + ((y + 10) / 60.0) ** 2 <= 1.0
        hu[liver] = 60.0
    aorta = (x + 0) ** 2 + (y - 45) ** 2 <= 12.5 ** 2
    hu[aorta] = 200.0
    # Vertebral bodies 25 mm high, discs 5 mm, behind the aorta.
    r = np.sqrt(x ** 2 + (y - 85) ** 2)
    if (z % 30.0) < 25.0:
        hu[r <= 20] = 1000.0
        hu[r <= 17] = 250.0
        spinous = (np.abs(x) <= 5) & (y > 100) & (y < 125)
        hu[spinous] = 700.0
    else:
        hu[r <= 20] = 80.0
    # Ribs: elliptical bands 10 mm thick, 12 mm high, every 25 mm.
    if z > height / 3 and (z % 25.0) < 12.0:
        e = (x / 150.0) ** 2 + (y / 100.0) ** 2
        rib = (e >= 0.88) & (e <= 1.0) & (y > -60)
        hu[rib] = 700.0
    hu += rng.normal(0.0, 12.0, size=hu.shape)
    return np.clip(np.rint(hu), -1024, 3071).astype(np.int32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('outdir')
    parser.add_argument('--columns', type=int, default=512)
    parser.add_argument('--rows', type=int, default=512)
    parser.add_argument('--slices', type=int, default=400)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    params = {'columns': args.columns, 'rows': args.rows, 'slices': args.slices,
              'pixel_mm': PIXEL_MM, 'slice_mm': SLICE_MM, 'version': 1}
    marker = os.path.join(args.outdir, 'series.json')
    if os.path.exists(marker):
        with open(marker) as f:
            if json.load(f) == params:
                print(json.dumps(params))
                return
        os.remove(marker)
    i = np.arange(args.columns) - (args.columns - 1) / 2.0
    j = np.arange(args.rows) - (args.rows - 1) / 2.0
    x, y = np.meshgrid(i * PIXEL_MM, j * PIXEL_MM)
    rng = np.random.default_rng(512)
    study, series, frame = generate_uid(), generate_uid(), generate_uid()
    origin = [-(args.columns - 1) / 2.0 * PIXEL_MM, -(args.rows - 1) / 2.0 * PIXEL_MM, 0.0]
    for k in range(args.slices):
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
        sop = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = sop
        ds.SOPClassUID, ds.SOPInstanceUID = CT_IMAGE_STORAGE, sop
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame
        ds.Modality = 'CT'
        ds.PatientName = 'Phantom^Torso'
        ds.PatientID = 'BENCH-512'
        ds.SeriesDescription = 'torso phantom 512x512x400'
        ds.SeriesNumber, ds.InstanceNumber = 1, k + 1
        ds.ImagePositionPatient = [repr(origin[0]), repr(origin[1]), repr(origin[2] + k * SLICE_MM)]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [repr(PIXEL_MM), repr(PIXEL_MM)]
        ds.SliceThickness = repr(SLICE_MM)
        ds.Rows, ds.Columns = args.rows, args.columns
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = -1024, 1, 'HU'
        ds.PixelData = (phantom_slice(k, args.slices, x, y, rng) + 1024).astype('<u2').tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(os.path.join(args.outdir, f'CT{k:04d}.dcm'), write_like_original=False)
    with open(marker, 'w') as f:
        json.dump(params, f)
    print(json.dumps(params))


if __name__ == '__main__':
    main()
