#pragma once
// Reading attribute values from a GDCM dataset: the few conversions the DICOM
// readers and de-identification share. Not part of the public imaging API.

#include <gdcmDataSet.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmSmartPointer.h>
#include <gdcmTag.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medvision::imaging::detail {

// Text of a string-valued attribute (CS, DS, IS, LO, UI, ...), without the
// trailing padding PS3.5 6.2 allows; "" when absent or empty.
std::string attribute_text(const gdcm::DataSet& ds, const gdcm::Tag& tag);

// The numbers of a DS or IS attribute (values separated by '\'); empty when
// absent or when any value is not a number.
std::vector<double> attribute_numbers(const gdcm::DataSet& ds, const gdcm::Tag& tag);
std::optional<double> attribute_number(const gdcm::DataSet& ds, const gdcm::Tag& tag);

// An unsigned short (US) attribute such as Rows.
std::optional<std::uint16_t> attribute_us(const gdcm::DataSet& ds, const gdcm::Tag& tag);

// A sequence attribute's items (also when an implicit-VR file stored it with a
// defined length), or null.
gdcm::SmartPointer<gdcm::SequenceOfItems> attribute_sequence(const gdcm::DataSet& ds,
                                                             const gdcm::Tag& tag);
// The dataset of item `index` (1-based, as GDCM counts) of a sequence attribute.
std::optional<gdcm::DataSet> sequence_item(const gdcm::DataSet& ds, const gdcm::Tag& tag,
                                           std::size_t index = 1);

}  // namespace medvision::imaging::detail

namespace medvision::imaging::detail {

// Whether pixels may show patient identity as text: Burned In Annotation
// (0028,0301) is YES, or the SOP class is a Secondary Capture (screenshots,
// scanned documents), which PS3.15 E.1 warns usually carry it.
bool burned_in_annotation_likely(const gdcm::DataSet& ds);

}  // namespace medvision::imaging::detail
