#!/usr/bin/python3
"""Copies a DICOM series as a new study in Implicit VR Little Endian.

Usage: rewrite_implicit.py INDIR OUTDIR
New Study, Series and SOP Instance UIDs; pixels and geometry unchanged.
The DIMSE test needs it: GDCM 3.0's C-MOVE receiver takes only Implicit VR
Little Endian (see src/pacs/dimse_client.cpp). Prints the new Study UID.
"""
import os
import sys

import pydicom
from pydicom.uid import ImplicitVRLittleEndian, generate_uid


def main():
    indir, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    study, series = generate_uid(), generate_uid()
    for name in sorted(os.listdir(indir)):
        ds = pydicom.dcmread(os.path.join(indir, name))
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        sop = generate_uid()
        ds.SOPInstanceUID = sop
        ds.file_meta.MediaStorageSOPInstanceUID = sop
        ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
        ds.is_little_endian, ds.is_implicit_VR = True, True
        ds.save_as(os.path.join(outdir, name), write_like_original=False)
    print(study)


if __name__ == '__main__':
    main()
