#!/usr/bin/python3
"""Writes DICOM files full of identifying attributes, for imaging_test.

Usage: make_identified.py OUTDIR
Writes study_a_1.dcm and study_a_2.dcm (one study, two instances of one
series that reference each other) and study_b_1.dcm (another study), each
with the identifying attributes of PS3.15 Table E.1-1, private tags (also
inside a sequence) and a nested sequence holding a Referenced SOP Instance UID.
"""
import os
import sys

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT = '1.2.840.10008.5.1.4.1.1.2'


def instance(study, series, frame_of_reference, sop, referenced, patient):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CT
    ds.file_meta.MediaStorageSOPInstanceUID = sop
    ds.file_meta.SourceApplicationEntityTitle = 'HOSPITAL_CT1'
    ds.SOPClassUID, ds.SOPInstanceUID = CT, sop
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = study, series, frame_of_reference
    ds.Modality = 'CT'
    ds.PatientName = patient
    ds.PatientID = 'MRN-0042'
    ds.PatientBirthDate = '19700101'
    ds.PatientSex = 'F'
    ds.PatientAge = '054Y'
    ds.PatientAddress = '12 Rue de la Paix, Paris'
    ds.OtherPatientIDs = 'ALT-99'
    ds.PatientTelephoneNumbers = '+33 1 23 45 67 89'
    ds.InstitutionName = 'Saint Example Hospital'
    ds.InstitutionAddress = '1 Hospital Road'
    ds.ReferringPhysicianName = 'Doctor^Referring'
    ds.PerformingPhysicianName = 'Doctor^Performing'
    ds.OperatorsName = 'Tech^Operator'
    ds.PhysiciansOfRecord = 'Doctor^Record'
    ds.AccessionNumber = 'ACC123456'
    ds.StudyID = 'STUDY77'
    ds.StudyDate, ds.StudyTime = '20240102', '101010'
    ds.SeriesDate, ds.SeriesTime = '20240102', '101111'
    ds.AcquisitionDate, ds.AcquisitionTime = '20240102', '101212'
    ds.ContentDate, ds.ContentTime = '20240102', '101313'
    ds.StationName = 'CT-ROOM-3'
    ds.DeviceSerialNumber = 'SN-998877'
    ds.StudyDescription = 'Head CT for Jane Doe'
    ds.SeriesDescription = 'Axial Jane Doe'
    ds.ProtocolName = 'Jane head protocol'
    ds.InstitutionalDepartmentName = 'Radiology'
    ds.ImageComments = 'patient Jane Doe moved'
    ref = Dataset()
    ref.ReferencedSOPClassUID = CT
    ref.ReferencedSOPInstanceUID = referenced
    ref.add_new(0x00091010, 'LO', 'private inside a sequence')
    inner = Dataset()
    inner.ReferencedSOPInstanceUID = referenced
    ref.ReferencedImageSequence = Sequence([inner])
    ds.SourceImageSequence = Sequence([ref])
    ds.add_new(0x00090010, 'LO', 'ACME private creator')
    ds.add_new(0x00091001, 'LO', 'Jane Doe private copy')
    ds.Rows, ds.Columns = 4, 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.PixelData = np.arange(16, dtype='<i2').tobytes()
    ds.is_little_endian, ds.is_implicit_VR = True, False
    return ds


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    study_a, series_a, frame_a = generate_uid(), generate_uid(), generate_uid()
    sop_1, sop_2 = generate_uid(), generate_uid()
    instance(study_a, series_a, frame_a, sop_1, sop_2, 'Doe^Jane').save_as(os.path.join(out, 'study_a_1.dcm'), write_like_original=False)
    instance(study_a, series_a, frame_a, sop_2, sop_1, 'Doe^Jane').save_as(os.path.join(out, 'study_a_2.dcm'), write_like_original=False)
    instance(generate_uid(), generate_uid(), generate_uid(), generate_uid(), sop_1, 'Roe^Richard').save_as(
        os.path.join(out, 'study_b_1.dcm'), write_like_original=False)


if __name__ == '__main__':
    main()
