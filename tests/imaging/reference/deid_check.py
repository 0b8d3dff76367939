#!/usr/bin/python3
"""Checks de-identified DICOM files against their originals with pydicom.

Usage: deid_check.py ORIGINAL DEIDENTIFIED [ORIGINAL DEIDENTIFIED ...]
Prints JSON:
  kept: profile attributes (PS3.15 Table E.1-1, Basic Profile) present in an
        original that keep their original non-empty value in its output,
  private: private tags left in the outputs,
  uid_map: {original UID: output UID} for every UID-valued attribute, also
        inside sequences, and the file meta Media Storage SOP Instance UID,
  bad_uids: output UIDs longer than 64 characters or not digits and dots,
  inconsistent: original UIDs mapped to different outputs,
  identity_removed: Patient Identity Removed values.
The keyword list is written here from the standard's table, independently of
the C++ table.
"""
import json
import re
import sys

import pydicom

PROFILE = '''InstanceCreatorUID SOPInstanceUID StudyDate SeriesDate AcquisitionDate ContentDate
AcquisitionDateTime StudyTime SeriesTime AcquisitionTime ContentTime AccessionNumber InstitutionName
InstitutionAddress InstitutionCodeSequence ReferringPhysicianName ReferringPhysicianAddress
ReferringPhysicianTelephoneNumbers StationName StudyDescription SeriesDescription InstitutionalDepartmentName
PhysiciansOfRecord PerformingPhysicianName NameOfPhysiciansReadingStudy OperatorsName
AdmittingDiagnosesDescription ReferencedSOPInstanceUID DerivationDescription PatientName PatientID
IssuerOfPatientID PatientBirthDate PatientBirthTime PatientSex OtherPatientIDs OtherPatientNames
PatientBirthName PatientAge PatientSize PatientWeight PatientAddress PatientMotherBirthName
MedicalRecordLocator CountryOfResidence RegionOfResidence PatientTelephoneNumbers EthnicGroup Occupation
AdditionalPatientHistory PatientReligiousPreference PatientComments DeviceSerialNumber DeviceUID PlateID
GeneratorID CassetteID ProtocolName StudyInstanceUID SeriesInstanceUID StudyID FrameOfReferenceUID
SynchronizationFrameOfReferenceUID ImageComments RequestingPhysician RequestedProcedureDescription
StudyComments AdmissionID CurrentPatientLocation VisitComments PerformedStationAETitle
PerformedStationName PerformedLocation PerformedProcedureStepStartDate PerformedProcedureStepStartTime
PerformedProcedureStepID PerformedProcedureStepDescription RequestedProcedureID IrradiationEventUID
ConcatenationUID DimensionOrganizationUID'''.split()

UID_RE = re.compile(r'^[0-9]+(\.[0-9]+)*$')


def walk(ds, path=''):
    for elem in ds:
        yield path, elem
        if elem.VR == 'SQ':
            for n, item in enumerate(elem.value):
                yield from walk(item, f'{path}{elem.keyword or elem.tag}[{n}].')


def main():
    args = sys.argv[1:]
    kept, private, bad, inconsistent, removed_flags = [], [], [], [], []
    uid_map = {}
    for original_path, output_path in zip(args[::2], args[1::2]):
        original = pydicom.dcmread(original_path)
        output = pydicom.dcmread(output_path)
        out_values = {(p, e.tag): e.value for p, e in walk(output)}
        for p, e in walk(original):
            if e.keyword in PROFILE and e.VR != 'SQ' and e.value not in (None, ''):
                if out_values.get((p, e.tag)) == e.value:
                    kept.append(f'{output_path}: {p}{e.keyword}')
        private += [f'{output_path}: {p}{e.tag}' for p, e in walk(output) if e.tag.is_private]
        pairs = []
        for p, e in walk(original):
            if e.VR == 'UI' and (p, e.tag) in out_values and not str(e.value).startswith('1.2.840.10008.'):
                pairs.append((str(e.value), str(out_values[(p, e.tag)])))
        pairs.append((str(original.file_meta.MediaStorageSOPInstanceUID), str(output.file_meta.MediaStorageSOPInstanceUID)))
        for before, after in pairs:
            if before in uid_map and uid_map[before] != after:
                inconsistent.append(before)
            uid_map[before] = after
            if len(after) > 64 or not UID_RE.match(after):
                bad.append(after)
        removed_flags.append(str(output.get('PatientIdentityRemoved', '')))
        source_ae = original.file_meta.get('SourceApplicationEntityTitle')
        if source_ae and output.file_meta.get('SourceApplicationEntityTitle') == source_ae:
            kept.append(f'{output_path}: SourceApplicationEntityTitle')
    print(json.dumps({'kept': kept, 'private': private, 'uid_map': uid_map, 'bad_uids': bad,
                      'inconsistent': inconsistent, 'identity_removed': removed_flags}))


if __name__ == '__main__':
    main()
