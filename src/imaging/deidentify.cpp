#include "imaging/deidentify.h"

#include <gdcmDict.h>
#include <gdcmDictEntry.h>
#include <gdcmDicts.h>
#include <gdcmGlobal.h>
#include <gdcmItem.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>
#include <gdcmWriter.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>

#include "imaging/dicom_attributes.h"
#include "imaging/dicom_preflight.h"

namespace medvision::imaging {
namespace {

// Actions of PS3.15 Table E.1-1. Where the table offers a choice (X/Z, X/D,
// Z/D, X/Z/D) the strictest choice that keeps the file valid is taken:
// removal for Type 3 attributes, an empty value for Type 2 ones.
enum class Action { remove, empty, dummy, uid };

struct ProfileEntry {
  std::uint16_t group, element;
  Action action;
};

// PS3.15 (2023) Annex E, Table E.1-1, Basic Profile column: the attributes
// that identify patients, staff, institutions, devices, dates and instances.
constexpr ProfileEntry kProfile[] = {
    {0x0008, 0x0012, Action::remove},  // Instance Creation Date
    {0x0008, 0x0013, Action::remove},  // Instance Creation Time
    {0x0008, 0x0014, Action::uid},     // Instance Creator UID
    {0x0008, 0x0015, Action::remove},  // Instance Coercion DateTime
    {0x0008, 0x0018, Action::uid},     // SOP Instance UID
    {0x0008, 0x0020, Action::empty},   // Study Date (Z)
    {0x0008, 0x0021, Action::remove},  // Series Date (X/D)
    {0x0008, 0x0022, Action::remove},  // Acquisition Date (X/Z)
    {0x0008, 0x0023, Action::empty},   // Content Date (Z/D)
    {0x0008, 0x0024, Action::remove},  // Overlay Date
    {0x0008, 0x0025, Action::remove},  // Curve Date
    {0x0008, 0x002a, Action::remove},  // Acquisition DateTime
    {0x0008, 0x0030, Action::empty},   // Study Time (Z)
    {0x0008, 0x0031, Action::remove},  // Series Time
    {0x0008, 0x0032, Action::remove},  // Acquisition Time
    {0x0008, 0x0033, Action::empty},   // Content Time (Z/D)
    {0x0008, 0x0034, Action::remove},  // Overlay Time
    {0x0008, 0x0035, Action::remove},  // Curve Time
    {0x0008, 0x0050, Action::empty},   // Accession Number (Z)
    {0x0008, 0x0080, Action::remove},  // Institution Name
    {0x0008, 0x0081, Action::remove},  // Institution Address
    {0x0008, 0x0082, Action::remove},  // Institution Code Sequence
    {0x0008, 0x0090, Action::empty},   // Referring Physician's Name (Z)
    {0x0008, 0x0092, Action::remove},  // Referring Physician's Address
    {0x0008, 0x0094, Action::remove},  // Referring Physician's Telephone Numbers
    {0x0008, 0x0096, Action::remove},  // Referring Physician Identification Sequence
    {0x0008, 0x0201, Action::remove},  // Timezone Offset From UTC
    {0x0008, 0x1010, Action::remove},  // Station Name
    {0x0008, 0x1030, Action::remove},  // Study Description
    {0x0008, 0x103e, Action::remove},  // Series Description
    {0x0008, 0x1040, Action::remove},  // Institutional Department Name
    {0x0008, 0x1048, Action::remove},  // Physician(s) of Record
    {0x0008, 0x1049, Action::remove},  // Physician(s) of Record Identification Sequence
    {0x0008, 0x1050, Action::remove},  // Performing Physicians' Name
    {0x0008, 0x1052, Action::remove},  // Performing Physician Identification Sequence
    {0x0008, 0x1060, Action::remove},  // Name of Physician(s) Reading Study
    {0x0008, 0x1062, Action::remove},  // Physician(s) Reading Study Identification Sequence
    {0x0008, 0x1070, Action::remove},  // Operators' Name
    {0x0008, 0x1072, Action::remove},  // Operator Identification Sequence
    {0x0008, 0x1080, Action::remove},  // Admitting Diagnoses Description
    {0x0008, 0x1084, Action::remove},  // Admitting Diagnoses Code Sequence
    {0x0008, 0x1110, Action::remove},  // Referenced Study Sequence
    {0x0008, 0x1111, Action::remove},  // Referenced Performed Procedure Step Sequence
    {0x0008, 0x1120, Action::remove},  // Referenced Patient Sequence
    {0x0008, 0x1155, Action::uid},     // Referenced SOP Instance UID
    {0x0008, 0x2111, Action::remove},  // Derivation Description
    {0x0008, 0x3010, Action::uid},     // Irradiation Event UID
    {0x0008, 0x4000, Action::remove},  // Identifying Comments
    {0x0010, 0x0010, Action::empty},   // Patient's Name (Z)
    {0x0010, 0x0020, Action::empty},   // Patient ID (Z)
    {0x0010, 0x0021, Action::remove},  // Issuer of Patient ID
    {0x0010, 0x0030, Action::empty},   // Patient's Birth Date (Z)
    {0x0010, 0x0032, Action::remove},  // Patient's Birth Time
    {0x0010, 0x0040, Action::empty},   // Patient's Sex (Z)
    {0x0010, 0x0050, Action::remove},  // Patient's Insurance Plan Code Sequence
    {0x0010, 0x1000, Action::remove},  // Other Patient IDs
    {0x0010, 0x1001, Action::remove},  // Other Patient Names
    {0x0010, 0x1002, Action::remove},  // Other Patient IDs Sequence
    {0x0010, 0x1005, Action::remove},  // Patient's Birth Name
    {0x0010, 0x1010, Action::remove},  // Patient's Age
    {0x0010, 0x1020, Action::remove},  // Patient's Size
    {0x0010, 0x1030, Action::remove},  // Patient's Weight
    {0x0010, 0x1040, Action::remove},  // Patient's Address
    {0x0010, 0x1060, Action::remove},  // Patient's Mother's Birth Name
    {0x0010, 0x1080, Action::remove},  // Military Rank
    {0x0010, 0x1081, Action::remove},  // Branch of Service
    {0x0010, 0x1090, Action::remove},  // Medical Record Locator
    {0x0010, 0x2000, Action::remove},  // Medical Alerts
    {0x0010, 0x2110, Action::remove},  // Allergies
    {0x0010, 0x2150, Action::remove},  // Country of Residence
    {0x0010, 0x2152, Action::remove},  // Region of Residence
    {0x0010, 0x2154, Action::remove},  // Patient's Telephone Numbers
    {0x0010, 0x2160, Action::remove},  // Ethnic Group
    {0x0010, 0x2180, Action::remove},  // Occupation
    {0x0010, 0x21a0, Action::remove},  // Smoking Status
    {0x0010, 0x21b0, Action::remove},  // Additional Patient History
    {0x0010, 0x21c0, Action::remove},  // Pregnancy Status
    {0x0010, 0x21d0, Action::remove},  // Last Menstrual Date
    {0x0010, 0x21f0, Action::remove},  // Patient's Religious Preference
    {0x0010, 0x4000, Action::remove},  // Patient Comments
    {0x0018, 0x1000, Action::remove},  // Device Serial Number
    {0x0018, 0x1002, Action::uid},     // Device UID
    {0x0018, 0x1004, Action::remove},  // Plate ID
    {0x0018, 0x1005, Action::remove},  // Generator ID
    {0x0018, 0x1007, Action::remove},  // Cassette ID
    {0x0018, 0x1030, Action::remove},  // Protocol Name
    {0x0018, 0x1200, Action::remove},  // Date of Last Calibration
    {0x0018, 0x1201, Action::remove},  // Time of Last Calibration
    {0x0018, 0x4000, Action::remove},  // Acquisition Comments
    {0x0018, 0x700a, Action::remove},  // Detector ID
    {0x0018, 0x9424, Action::remove},  // Acquisition Protocol Description
    {0x0020, 0x000d, Action::uid},     // Study Instance UID
    {0x0020, 0x000e, Action::uid},     // Series Instance UID
    {0x0020, 0x0010, Action::empty},   // Study ID (Z)
    {0x0020, 0x0052, Action::uid},     // Frame of Reference UID
    {0x0020, 0x0200, Action::uid},     // Synchronization Frame of Reference UID
    {0x0020, 0x4000, Action::remove},  // Image Comments
    {0x0020, 0x9161, Action::uid},     // Concatenation UID
    {0x0020, 0x9164, Action::uid},     // Dimension Organization UID
    {0x0028, 0x1199, Action::uid},     // Palette Color Lookup Table UID
    {0x0028, 0x1214, Action::uid},     // Large Palette Color Lookup Table UID
    {0x0032, 0x1032, Action::remove},  // Requesting Physician
    {0x0032, 0x1060, Action::remove},  // Requested Procedure Description
    {0x0032, 0x4000, Action::remove},  // Study Comments
    {0x0038, 0x0010, Action::remove},  // Admission ID
    {0x0038, 0x0050, Action::remove},  // Special Needs
    {0x0038, 0x0300, Action::remove},  // Current Patient Location
    {0x0038, 0x0400, Action::remove},  // Patient's Institution Residence
    {0x0038, 0x0500, Action::remove},  // Patient State
    {0x0038, 0x4000, Action::remove},  // Visit Comments
    {0x0040, 0x0006, Action::remove},  // Scheduled Performing Physician's Name
    {0x0040, 0x0241, Action::remove},  // Performed Station AE Title
    {0x0040, 0x0242, Action::remove},  // Performed Station Name
    {0x0040, 0x0243, Action::remove},  // Performed Location
    {0x0040, 0x0244, Action::remove},  // Performed Procedure Step Start Date
    {0x0040, 0x0245, Action::remove},  // Performed Procedure Step Start Time
    {0x0040, 0x0253, Action::remove},  // Performed Procedure Step ID
    {0x0040, 0x0254, Action::remove},  // Performed Procedure Step Description
    {0x0040, 0x0275, Action::remove},  // Request Attributes Sequence
    {0x0040, 0x1001, Action::remove},  // Requested Procedure ID
    {0x0040, 0x2016, Action::empty},   // Placer Order Number / Imaging Service Request (Z)
    {0x0040, 0x2017, Action::empty},   // Filler Order Number / Imaging Service Request (Z)
    {0x0040, 0xa075, Action::empty},   // Verifying Observer Name (D; emptied)
    {0x0040, 0xa07a, Action::remove},  // Participant Sequence
    {0x0040, 0xa123, Action::remove},  // Person Name
    {0x0040, 0xa124, Action::uid},     // UID
    {0x0040, 0xa730, Action::remove},  // Content Sequence
    {0x0040, 0xdb0c, Action::uid},     // Template Extension Creator UID
    {0x0040, 0xdb0d, Action::uid},     // Template Extension Organization UID
    {0x0070, 0x0084, Action::empty},   // Content Creator's Name (Z)
    {0x0088, 0x0140, Action::uid},     // Storage Media File-set UID
    {0x3006, 0x0024, Action::uid},     // Referenced Frame of Reference UID
    {0x3006, 0x00c2, Action::uid},     // Related Frame of Reference UID
    {0x0400, 0x0561, Action::remove},  // Original Attributes Sequence
};

// UIDs that name things, not instances: kept.
bool names_a_class(const gdcm::Tag& t) {
  static const gdcm::Tag kClassUids[] = {
      {0x0002, 0x0002}, {0x0002, 0x0010}, {0x0002, 0x0012}, {0x0008, 0x0016}, {0x0008, 0x1150},
      {0x0008, 0x0062}, {0x0008, 0x010c}, {0x0008, 0x0117}, {0x0004, 0x1510}, {0x0004, 0x1512}};
  return std::find(std::begin(kClassUids), std::end(kClassUids), t) != std::end(kClassUids);
}

const ProfileEntry* profile_entry(const gdcm::Tag& t) {
  for (const ProfileEntry& e : kProfile) {
    if (e.group == t.GetGroup() && e.element == t.GetElement()) return &e;
  }
  // Overlay Data and Overlay Comments (60xx,3000/4000), Curve Data (50xx,xxxx): X.
  if ((t.GetGroup() & 0xff00) == 0x6000 && (t.GetElement() == 0x3000 || t.GetElement() == 0x4000)) {
    static const ProfileEntry overlay{0x6000, 0x3000, Action::remove};
    return &overlay;
  }
  if ((t.GetGroup() & 0xff00) == 0x5000) {
    static const ProfileEntry curve{0x5000, 0x0000, Action::remove};
    return &curve;
  }
  return nullptr;
}

std::string describe(const gdcm::Tag& t, const std::string& path) {
  char code[16];
  std::snprintf(code, sizeof code, "(%04X,%04X)", t.GetGroup(), t.GetElement());
  const char* name = gdcm::Global::GetInstance().GetDicts().GetDictEntry(t).GetName();
  return path + code + " " + (name ? name : "");
}

bool is_uid_value(const gdcm::DataElement& de) {
  const gdcm::VR vr = de.GetVR();
  if (vr == gdcm::VR::UI) return true;
  if (vr != gdcm::VR::INVALID && vr != gdcm::VR::UN) return false;
  return gdcm::Global::GetInstance().GetDicts().GetDictEntry(de.GetTag()).GetVR() == gdcm::VR::UI;
}

bool is_sequence(const gdcm::DataElement& de) {
  const gdcm::VR vr = de.GetVR();
  if (vr == gdcm::VR::SQ) return true;
  if (vr != gdcm::VR::INVALID && vr != gdcm::VR::UN) return false;
  return gdcm::Global::GetInstance().GetDicts().GetDictEntry(de.GetTag()).GetVR() == gdcm::VR::SQ;
}

void set_text(gdcm::DataElement& de, const std::string& value) {
  std::string padded = value;
  if (padded.size() % 2 == 1) padded.push_back('\0');  // UI pads with NUL, PS3.5 6.2
  de.SetByteValue(padded.data(), static_cast<std::uint32_t>(padded.size()));
}

class Deidentifier {
 public:
  Deidentifier(const UidMapper& uids, DeidentifySummary& summary)
      : uids_(uids), summary_(summary) {}

  Status apply(gdcm::DataSet& ds, const std::string& path, int depth) {
    if (depth > detail::kMaxSequenceDepth)
      return make_error(ErrorCode::invalid_input, "DICOM sequences nest too deeply to de-identify");
    std::vector<gdcm::DataElement> elements(ds.Begin(), ds.End());
    for (gdcm::DataElement de : elements) {
      const gdcm::Tag tag = de.GetTag();
      if (tag.IsPrivate()) {
        ds.Remove(tag);
        ++summary_.private_removed;
        continue;
      }
      if (const ProfileEntry* entry = profile_entry(tag)) {
        switch (entry->action) {
          case Action::remove:
            ds.Remove(tag);
            summary_.removed.push_back(describe(tag, path));
            continue;
          case Action::empty:
            de.Empty();
            ds.Replace(de);
            summary_.emptied.push_back(describe(tag, path));
            continue;
          case Action::dummy:
            set_text(de, "ANONYMIZED");
            ds.Replace(de);
            summary_.replaced.push_back(describe(tag, path));
            continue;
          case Action::uid:
            break;
        }
      }
      if (is_uid_value(de) && !names_a_class(tag)) {
        remap_uids(de);
        ds.Replace(de);
        summary_.replaced.push_back(describe(tag, path));
        continue;
      }
      if (is_sequence(de) && !de.IsEmpty()) {
        gdcm::SmartPointer<gdcm::SequenceOfItems> sq = de.GetValueAsSQ();
        if (!sq) continue;
        for (std::size_t i = 1; i <= sq->GetNumberOfItems(); ++i) {
          gdcm::Item& item = sq->GetItem(i);
          MV_TRY(apply(item.GetNestedDataSet(), describe(tag, path) + " > ", depth + 1));
          item.SetVLToUndefined();
        }
        sq->SetLengthToUndefined();
        de.SetValue(*sq);
        de.SetVLToUndefined();
        ds.Replace(de);
      }
    }
    return {};
  }

 private:
  void remap_uids(gdcm::DataElement& de) {
    const gdcm::ByteValue* bv = de.GetByteValue();
    if (bv == nullptr || bv->GetPointer() == nullptr) return;
    std::string text(bv->GetPointer(), bv->GetLength());
    std::string out;
    std::size_t start = 0;
    while (start <= text.size()) {  // UI may be multi-valued
      const std::size_t end = std::min(text.find('\\', start), text.size());
      std::string uid = text.substr(start, end - start);
      while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
      if (!out.empty() || start > 0) out += '\\';
      out += uid.empty() ? uid : uids_.map(uid);
      start = end + 1;
    }
    set_text(de, out);
  }

  const UidMapper& uids_;
  DeidentifySummary& summary_;
};

void add_method(gdcm::DataSet& ds) {
  // PS3.15 E.1.1: Patient Identity Removed YES and the method used.
  gdcm::DataElement removed(gdcm::Tag(0x0012, 0x0062));
  removed.SetVR(gdcm::VR::CS);
  set_text(removed, "YES");
  ds.Replace(removed);
  gdcm::DataElement method(gdcm::Tag(0x0012, 0x0063));
  method.SetVR(gdcm::VR::LO);
  set_text(method, "DICOM PS3.15 E.1 Basic Profile (MedVision)");
  ds.Replace(method);
}

}  // namespace

UidMapper::UidMapper(std::string secret) {
  // Any secret length works: the key is its 32-byte BLAKE2b digest.
  std::array<unsigned char, crypto_generichash_KEYBYTES> key{};
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), nullptr, 0);
  key_.assign(reinterpret_cast<const char*>(key.data()), key.size());
}

std::string UidMapper::map(const std::string& uid) const {
  std::array<unsigned char, 16> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(uid.data()),
                     uid.size(), reinterpret_cast<const unsigned char*>(key_.data()), key_.size());
  h[6] = static_cast<unsigned char>((h[6] & 0x0f) | 0x80);  // RFC 9562 version 8
  h[8] = static_cast<unsigned char>((h[8] & 0x3f) | 0x80);  // variant 10
  // Decimal of the 128-bit big-endian number, by repeated division of four
  // 32-bit limbs.
  std::array<std::uint32_t, 4> limbs{};
  for (std::size_t i = 0; i < 16; ++i) limbs[i / 4] = (limbs[i / 4] << 8) | h[i];
  std::string digits;
  while (std::any_of(limbs.begin(), limbs.end(), [](std::uint32_t l) { return l != 0; })) {
    std::uint64_t remainder = 0;
    for (std::uint32_t& limb : limbs) {
      const std::uint64_t value = (remainder << 32) | limb;
      limb = static_cast<std::uint32_t>(value / 10);
      remainder = value % 10;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  }
  std::reverse(digits.begin(), digits.end());
  return "2.25." + (digits.empty() ? std::string("0") : digits);
}

Result<DeidentifySummary> deidentify_file(const std::filesystem::path& input,
                                          const std::filesystem::path& output,
                                          const UidMapper& uids) {
  gdcm::Trace::WarningOff();
  gdcm::Trace::ErrorOff();
  MV_TRY(detail::preflight_dicom_file(input));
  gdcm::Reader reader;
  reader.SetFileName(input.c_str());
  if (!reader.Read())
    return make_error(ErrorCode::invalid_input,
                      "not a readable DICOM file: " + input.filename().string());
  gdcm::File& file = reader.GetFile();
  gdcm::DataSet& ds = file.GetDataSet();
  DeidentifySummary summary;
  summary.burned_in_annotation = detail::burned_in_annotation_likely(ds) ||
                                 detail::attribute_text(ds, gdcm::Tag(0x0008, 0x0060)) == "US";
  if (summary.burned_in_annotation) {
    summary.warnings.emplace_back(input.filename().string() +
                                  ": pixels may carry burned-in patient identity (Burned In "
                                  "Annotation, Secondary Capture or ultrasound); "
                                  "review the images before sharing");
  }
  Deidentifier deidentifier(uids, summary);
  MV_TRY(deidentifier.apply(ds, "", 0));
  add_method(ds);
  // File meta information: the instance UID must follow the dataset's, and
  // the sending AE title names a site.
  gdcm::DataSet& meta = file.GetHeader();
  const std::string sop_instance = detail::attribute_text(ds, gdcm::Tag(0x0008, 0x0018));
  if (!sop_instance.empty()) {
    gdcm::DataElement de(gdcm::Tag(0x0002, 0x0003));
    de.SetVR(gdcm::VR::UI);
    set_text(de, sop_instance);
    meta.Replace(de);
  }
  for (const gdcm::Tag& t :
       {gdcm::Tag(0x0002, 0x0016), gdcm::Tag(0x0002, 0x0017), gdcm::Tag(0x0002, 0x0018)})
    meta.Remove(t);
  gdcm::Writer writer;
  writer.SetFile(file);
  writer.SetFileName(output.c_str());
  if (!writer.Write())
    return make_error(ErrorCode::unavailable,
                      "cannot write de-identified DICOM file " + output.string());
  return summary;
}

void deidentify(SeriesVolume& series, const UidMapper& uids) {
  DicomSeriesInfo& info = series.info;
  info.series_description.clear();
  for (std::string* uid : {&info.study_uid, &info.series_uid, &info.frame_of_reference_uid}) {
    if (!uid->empty()) *uid = uids.map(*uid);
  }
  series.volume.description.clear();
}

}  // namespace medvision::imaging
