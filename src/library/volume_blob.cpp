#include "library/volume_blob.h"

#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>
#include <variant>

namespace medvision::library {
namespace {

using imaging::ValueUnit;
using imaging::VoxelType;
using nlohmann::json;

static_assert(std::endian::native == std::endian::little, "voxel blobs are little-endian");

constexpr const char* kFormat = "medvision-voxels";

const char* unit_name(ValueUnit unit) {
  switch (unit) {
    case ValueUnit::hounsfield:
      return "hounsfield";
    case ValueUnit::label:
      return "label";
    case ValueUnit::intensity:
      return "intensity";
    case ValueUnit::unknown:
      break;
  }
  return "unknown";
}

Error bad_blob(const std::string& why) {
  return make_error(ErrorCode::internal, "stored voxel blob is damaged: " + why);
}

}  // namespace

std::string encode_volume_blob(const imaging::Volume& volume) {
  const imaging::Geometry& g = volume.geometry();
  json direction = json::array();
  for (int c = 0; c < 3; ++c)
    for (int r = 0; r < 3; ++r) direction.push_back(g.direction(r, c));
  const json header = {{"format", kFormat},
                       {"version", 1},
                       {"dims", {g.dims[0], g.dims[1], g.dims[2]}},
                       {"spacing", {g.spacing.x(), g.spacing.y(), g.spacing.z()}},
                       {"origin", {g.origin.x(), g.origin.y(), g.origin.z()}},
                       {"direction", direction},
                       {"type", imaging::to_string(volume.type())},
                       {"unit", unit_name(volume.unit())},
                       {"modality", volume.modality}};
  std::string out = header.dump() + "\n";
  std::visit(
      [&out](const auto& voxels) {
        out.append(reinterpret_cast<const char*>(voxels.data()), voxels.size() * sizeof(voxels[0]));
      },
      volume.storage());
  return out;
}

Result<imaging::Volume> decode_volume_blob(std::string_view blob) {
  const auto newline = blob.find('\n');
  if (newline == std::string_view::npos || newline > 4096) return bad_blob("no header line");
  const json h = json::parse(blob.substr(0, newline), nullptr, false);
  if (h.is_discarded() || !h.is_object() || h.value("format", "") != kFormat)
    return bad_blob("header is not a medvision-voxels header");
  try {
    imaging::Geometry g;
    for (int a = 0; a < 3; ++a) {
      g.dims[a] = h.at("dims").at(a).get<std::int64_t>();
      g.spacing[a] = h.at("spacing").at(a).get<double>();
      g.origin[a] = h.at("origin").at(a).get<double>();
      if (g.dims[a] <= 0) return bad_blob("non-positive dimension");
    }
    for (int c = 0; c < 3; ++c)
      for (int r = 0; r < 3; ++r) g.direction(r, c) = h.at("direction").at(3 * c + r).get<double>();
    if (g.voxel_count() > imaging::max_voxels) return bad_blob("too many voxels");
    const std::string type_name = h.at("type").get<std::string>();
    std::optional<VoxelType> type;
    for (VoxelType t : {VoxelType::u8, VoxelType::i16, VoxelType::u16, VoxelType::f32})
      if (type_name == imaging::to_string(t)) type = t;
    if (!type) return bad_blob("unknown voxel type '" + type_name + "'");
    const std::string unit_text = h.at("unit").get<std::string>();
    ValueUnit unit = ValueUnit::unknown;
    for (ValueUnit u : {ValueUnit::hounsfield, ValueUnit::label, ValueUnit::intensity})
      if (unit_text == unit_name(u)) unit = u;
    const std::string_view voxels = blob.substr(newline + 1);
    const auto expected = static_cast<std::size_t>(g.voxel_count()) * imaging::voxel_size(*type);
    if (voxels.size() != expected) {
      return bad_blob(std::to_string(voxels.size()) + " voxel bytes where the header needs " +
                      std::to_string(expected));
    }
    imaging::Volume volume(g, *type, unit);
    volume.modality = h.value("modality", "");
    std::visit([&voxels](auto& out) { std::memcpy(out.data(), voxels.data(), voxels.size()); },
               volume.storage());
    return volume;
  } catch (const json::exception& e) {
    return bad_blob(e.what());
  }
}

}  // namespace medvision::library
