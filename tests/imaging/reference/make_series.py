#!/usr/bin/python3
"""Writes a synthetic single-slice CT series with pydicom, for imaging_test.

Usage: make_series.py OUTDIR [--slices N] [--gap MM] [--missing K] [--tilt DEGREES] [--seed S]
Voxel (i, j, k) of the volume holds HU = i + 2 j + 3 k - 1000, stored as
uint16 with Rescale Intercept -1024. The slices are oblique (rotated 30
degrees about z) with 0.7 x 0.8 mm pixels, written under
shuffled file names so that file order says nothing about slice order.
--missing drops slice K; --tilt shears the slice positions along the column
direction as a gantry tilt does. Prints JSON with the expected geometry.
"""
import argparse
import json
import math
import os

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2'


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('outdir')
    parser.add_argument('--slices', type=int, default=12)
    parser.add_argument('--gap', type=float, default=2.5)
    parser.add_argument('--missing', type=int, default=-1)
    parser.add_argument('--tilt', type=float, default=0.0)
    parser.add_argument('--seed', type=int, default=3)
    args = parser.parse_args()
    rows, cols = 6, 5
    angle = math.radians(30)
    row_dir = np.array([math.cos(angle), math.sin(angle), 0.0])
    col_dir = np.array([-math.sin(angle), math.cos(angle), 0.0])
    normal = np.cross(row_dir, col_dir)
    origin = np.array([-40.0, 12.5, 100.0])
    pixel_spacing = [0.8, 0.7]  # row spacing (between rows), column spacing
    study, series, frame_of_reference = generate_uid(), generate_uid(), generate_uid()
    rng = np.random.default_rng(args.seed)
    names = rng.permutation(args.slices)
    os.makedirs(args.outdir, exist_ok=True)
    shear = math.tan(math.radians(args.tilt))
    for k in range(args.slices):
        if k == args.missing:
            continue
        position = origin + k * args.gap * normal + k * args.gap * shear * col_dir
        i, j = np.meshgrid(np.arange(cols), np.arange(rows))
        hu = i + 2 * j + 3 * k - 1000
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
        sop = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = sop
        ds.SOPClassUID, ds.SOPInstanceUID = CT_IMAGE_STORAGE, sop
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame_of_reference
        ds.Modality = 'CT'
        ds.PatientName = 'Synthetic^Series'
        ds.SeriesDescription = 'synthetic oblique series'
        ds.InstanceNumber = int(names[k]) + 1  # shuffled too
        ds.ImagePositionPatient = [f'{x:.6f}' for x in position]
        ds.ImageOrientationPatient = [f'{x:.8f}' for x in list(row_dir) + list(col_dir)]
        ds.PixelSpacing = pixel_spacing
        ds.SliceThickness = args.gap
        ds.Rows, ds.Columns = rows, cols
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
        ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
        ds.PixelData = (hu + 1024).astype('<u2').tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(os.path.join(args.outdir, f'IM{names[k]:04d}'), write_like_original=False)
    print(json.dumps({
        'shape': [cols, rows, args.slices],
        'spacing': [pixel_spacing[1], pixel_spacing[0], args.gap],
        'origin': origin.tolist(),
        'direction': np.column_stack([row_dir, col_dir, normal]).tolist(),
    }))


if __name__ == '__main__':
    main()
