#!/usr/bin/python3
"""Writes Debian's InVesalius head CT (Cranium.inv3) as a DICOM CT series.

Usage: invesalius_to_dicom.py PROJECT.inv3 OUTDIR [--seed S]

Reads the project independently of the C++ reader (tarfile, plistlib,
numpy), turns each image back to top-row-first order (InVesalius stores them
flipped, see invesalius/data/imagedata_utils.py dcm2memmap) and writes one
file per slice as an axial series: Image Orientation (Patient) 1\\0\\0\\0\\1\\0,
Image Position (Patient) per slice along +z, Pixel Spacing and Slice
Thickness from the project's plist, pixels stored as uint16 HU + 1024 with
Rescale Intercept -1024. The volume is centred on the patient-space origin.
Files get shuffled names and are written in shuffled order, with shuffled
Instance Numbers, so that nothing but the geometry orders the slices.
Prints JSON with the geometry written.
"""
import argparse
import json
import os
import plistlib
import tarfile

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2'


def read_project(path):
    with tarfile.open(path, 'r:gz') as tar:
        members = {m.name.rsplit('/', 1)[-1]: m for m in tar.getmembers() if m.isfile()}
        info = plistlib.loads(tar.extractfile(members['main.plist']).read())
        raw = tar.extractfile(members[info['matrix']['filename']]).read()
    shape = tuple(int(n) for n in info['matrix']['shape'])
    hu = np.frombuffer(raw, dtype='<i2').reshape(shape)[:, ::-1, :]
    return hu, [float(s) for s in info['spacing']]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('project')
    parser.add_argument('outdir')
    parser.add_argument('--seed', type=int, default=11)
    args = parser.parse_args()
    hu, spacing = read_project(args.project)
    slices, rows, cols = hu.shape
    dims = np.array([cols, rows, slices])
    origin = -np.array(spacing) * (dims - 1) / 2.0
    study, series, frame_of_reference = generate_uid(), generate_uid(), generate_uid()
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(slices)
    numbers = rng.permutation(slices)
    names = rng.permutation(slices)
    os.makedirs(args.outdir, exist_ok=True)
    for k in (int(x) for x in order):
        position = origin + np.array([0.0, 0.0, k * spacing[2]])
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
        sop = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = sop
        ds.SOPClassUID, ds.SOPInstanceUID = CT_IMAGE_STORAGE, sop
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.FrameOfReferenceUID = frame_of_reference
        ds.Modality = 'CT'
        ds.PatientName = 'Cranium^InVesalius'
        ds.PatientID = 'INV3-CRANIUM'
        ds.SeriesDescription = 'InVesalius Cranium head CT'
        ds.SeriesNumber = 1
        ds.InstanceNumber = int(numbers[k]) + 1
        ds.ImagePositionPatient = [repr(float(x)) for x in position]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.PixelSpacing = [repr(spacing[1]), repr(spacing[0])]  # between rows, between columns
        ds.SliceThickness = repr(spacing[2])
        ds.SliceLocation = repr(float(position[2]))
        ds.Rows, ds.Columns = rows, cols
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = -1024, 1, 'HU'
        ds.WindowCenter, ds.WindowWidth = 400, 2000
        ds.PixelData = (hu[k].astype(np.int32) + 1024).astype('<u2').tobytes()
        ds.is_little_endian, ds.is_implicit_VR = True, False
        ds.save_as(os.path.join(args.outdir, f'CT{int(names[k]):04d}.dcm'), write_like_original=False)
    print(json.dumps({
        'shape': dims.tolist(),
        'spacing': [spacing[0], spacing[1], spacing[2]],
        'origin': origin.tolist(),
        'direction': np.eye(3).tolist(),
        'files': slices,
    }))


if __name__ == '__main__':
    main()
