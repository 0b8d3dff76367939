#include "imaging/dicom_attributes.h"

#include <gdcmByteValue.h>
#include <gdcmDataElement.h>
#include <gdcmItem.h>
#include <gdcmSequenceOfItems.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace medvision::imaging::detail {

std::string attribute_text(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) return "";
  const gdcm::ByteValue* bv = ds.GetDataElement(tag).GetByteValue();
  if (bv == nullptr || bv->GetPointer() == nullptr) return "";
  std::string s(bv->GetPointer(), bv->GetLength());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && s[start] == ' ') ++start;
  return s.substr(start);
}

std::vector<double> attribute_numbers(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  const std::string text = attribute_text(ds, tag);
  std::vector<double> values;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    const std::size_t end = std::min(text.find('\\', start), text.size());
    std::string item = text.substr(start, end - start);
    char* parsed_end = nullptr;
    const double v = std::strtod(item.c_str(), &parsed_end);
    while (parsed_end != nullptr && *parsed_end == ' ') ++parsed_end;
    if (item.empty() || parsed_end == nullptr || *parsed_end != '\0' || !std::isfinite(v))
      return {};
    values.push_back(v);
    start = end + 1;
  }
  return values;
}

std::optional<double> attribute_number(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  const auto values = attribute_numbers(ds, tag);
  if (values.empty()) return std::nullopt;
  return values.front();
}

std::optional<std::uint16_t> attribute_us(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) return std::nullopt;
  const gdcm::ByteValue* bv = ds.GetDataElement(tag).GetByteValue();
  if (bv == nullptr || bv->GetLength() < 2 || bv->GetPointer() == nullptr) return std::nullopt;
  // GDCM keeps binary values in native (little-endian) order, also for files
  // written big endian.
  std::uint16_t v = 0;
  std::memcpy(&v, bv->GetPointer(), 2);
  return v;
}

gdcm::SmartPointer<gdcm::SequenceOfItems> attribute_sequence(const gdcm::DataSet& ds,
                                                             const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) return nullptr;
  const gdcm::DataElement& de = ds.GetDataElement(tag);
  if (de.IsEmpty()) return nullptr;
  return de.GetValueAsSQ();
}

std::optional<gdcm::DataSet> sequence_item(const gdcm::DataSet& ds, const gdcm::Tag& tag,
                                           std::size_t index) {
  const auto sq = attribute_sequence(ds, tag);
  if (!sq || index < 1 || index > sq->GetNumberOfItems()) return std::nullopt;
  return sq->GetItem(index).GetNestedDataSet();
}

}  // namespace medvision::imaging::detail

namespace medvision::imaging::detail {

bool burned_in_annotation_likely(const gdcm::DataSet& ds) {
  if (attribute_text(ds, gdcm::Tag(0x0028, 0x0301)) == "YES") return true;
  const std::string sop_class = attribute_text(ds, gdcm::Tag(0x0008, 0x0016));
  // Secondary Capture Image Storage and its multi-frame variants, PS3.4 B.5.
  return sop_class.rfind("1.2.840.10008.5.1.4.1.1.7", 0) == 0;
}

}  // namespace medvision::imaging::detail
