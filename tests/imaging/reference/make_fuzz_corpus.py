#!/usr/bin/python3
"""Writes the seed corpora of fuzz/dicom_fuzz and fuzz/nifti_fuzz: small
synthetic files (a few KB) covering the encodings the readers handle.

Usage: make_fuzz_corpus.py DICOM_DIR NIFTI_DIR
"""
import gzip
import os
import sys

import nibabel as nib
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian,
                         ImplicitVRLittleEndian, RLELossless)


def image(modality, sop_class, rows=6, cols=5, frames=1, bits=16, signed=True):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.MediaStorageSOPInstanceUID = '1.2.3.4.5.6.7'
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, '1.2.3.4.5.6.7'
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = '1.2.3.1', '1.2.3.2', '1.2.3.3'
    ds.Modality = modality
    ds.PatientName = 'Fuzz^Seed'
    ds.ImagePositionPatient = [-10, 5.5, 20]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = [0.5, 0.75]
    ds.SliceThickness = 2
    ds.Rows, ds.Columns = rows, cols
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = bits, bits, bits - 1
    ds.PixelRepresentation = 1 if signed else 0
    dtype = {8: 'u1', 16: 'i2' if signed else 'u2', 32: 'u4'}[bits]
    ds.PixelData = (np.arange(rows * cols * frames) % 200).astype('<' + dtype).tobytes()
    return ds


def save(ds, path, syntax):
    ds.file_meta.TransferSyntaxUID = syntax
    ds.is_little_endian = syntax != ExplicitVRBigEndian
    ds.is_implicit_VR = syntax == ImplicitVRLittleEndian
    if syntax == ExplicitVRBigEndian:
        arr = np.frombuffer(ds.PixelData, dtype='<u%d' % (ds.BitsAllocated // 8))
        ds.PixelData = arr.astype('>u%d' % (ds.BitsAllocated // 8)).tobytes()
    ds.save_as(path, write_like_original=False)


def dicom(out):
    ct = '1.2.840.10008.5.1.4.1.1.2'
    ds = image('CT', ct)
    ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
    save(ds, os.path.join(out, 'ct_explicit_le.dcm'), ExplicitVRLittleEndian)
    save(image('MR', '1.2.840.10008.5.1.4.1.1.4'), os.path.join(out, 'mr_implicit_le.dcm'), ImplicitVRLittleEndian)
    save(image('MR', '1.2.840.10008.5.1.4.1.1.4'), os.path.join(out, 'mr_big_endian.dcm'), ExplicitVRBigEndian)
    save(image('MR', '1.2.840.10008.5.1.4.1.1.4'), os.path.join(out, 'mr_deflated.dcm'), DeflatedExplicitVRLittleEndian)
    rle = image('CT', ct)
    rle.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    rle.is_little_endian, rle.is_implicit_VR = True, False
    rle.compress(RLELossless)
    rle.save_as(os.path.join(out, 'ct_rle.dcm'), write_like_original=False)
    dose = image('RTDOSE', '1.2.840.10008.5.1.4.1.1.481.2', rows=3, cols=4, frames=3, bits=32, signed=False)
    dose.GridFrameOffsetVector = [0, 2.5, 5]
    dose.FrameIncrementPointer = 0x3004000C
    dose.DoseGridScaling = 1e-3
    save(dose, os.path.join(out, 'rtdose_multiframe.dcm'), ImplicitVRLittleEndian)
    enhanced = image('MR', '1.2.840.10008.5.1.4.1.1.4.1', rows=3, cols=3, frames=2)
    del enhanced.ImagePositionPatient, enhanced.ImageOrientationPatient, enhanced.PixelSpacing
    shared = Dataset()
    orientation = Dataset()
    orientation.ImageOrientationPatient = [0, 1, 0, 0, 0, -1]
    shared.PlaneOrientationSequence = Sequence([orientation])
    measures = Dataset()
    measures.PixelSpacing = [1, 1]
    shared.PixelMeasuresSequence = Sequence([measures])
    enhanced.SharedFunctionalGroupsSequence = Sequence([shared])
    frames = []
    for k in (1, 0):
        group, position = Dataset(), Dataset()
        position.ImagePositionPatient = [4.0 * k, 0, 0]
        group.PlanePositionSequence = Sequence([position])
        frames.append(group)
    enhanced.PerFrameFunctionalGroupsSequence = Sequence(frames)
    save(enhanced, os.path.join(out, 'mr_enhanced_multiframe.dcm'), ExplicitVRLittleEndian)
    nested = image('CT', ct, rows=2, cols=2)
    inner = Dataset()
    inner.CodeValue = 'X'
    for _ in range(20):
        outer = Dataset()
        outer.ReferencedImageSequence = Sequence([inner])
        inner = outer
    nested.ReferencedImageSequence = Sequence([inner])
    save(nested, os.path.join(out, 'nested_sequences.dcm'), ExplicitVRLittleEndian)


def nifti(out):
    data = (np.arange(4 * 3 * 2 * 2) % 100).reshape((4, 3, 2, 2)).astype(np.int16)
    affine = np.array([[-2, 0, 0, 10], [0, 2, 0, -5], [0, 0, 3, 1], [0, 0, 0, 1]], dtype=float)
    img = nib.Nifti1Image(data, affine)
    img.header.set_qform(affine, 1)
    img.header.set_sform(affine, 2)
    nib.save(img, os.path.join(out, 'nifti1_4d.nii'))
    with open(os.path.join(out, 'nifti1_4d.nii'), 'rb') as f:
        raw = f.read()
    with open(os.path.join(out, 'nifti1_4d.nii.gz'), 'wb') as f:
        f.write(gzip.compress(raw))
    scaled = nib.Nifti1Image(data[..., 0].astype(np.uint8), affine)
    scaled.header.set_slope_inter(0.5, -3)
    nib.save(scaled, os.path.join(out, 'nifti1_scaled_u8.nii'))
    nib.save(nib.Nifti2Image(data[..., 0].astype(np.float32), affine), os.path.join(out, 'nifti2_float.nii'))
    big = nib.Nifti1Image(data[..., 0].astype('>f8'), affine)
    nib.save(big, os.path.join(out, 'nifti1_float64.nii'))


if __name__ == '__main__':
    dicom(sys.argv[1])
    nifti(sys.argv[2])
