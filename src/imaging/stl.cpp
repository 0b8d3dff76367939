#include "imaging/stl.h"

#include <Eigen/Geometry>
#include <array>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace medvision::imaging {
namespace {

constexpr std::size_t kHeaderBytes = 80;
constexpr std::size_t kTriangleBytes = 50;

// STL is little-endian; so are the machines we build for.
static_assert(std::endian::native == std::endian::little,
              "STL writer assumes a little-endian host");

void put_floats(std::string& out, const Eigen::Vector3f& v) {
  char bytes[12];
  std::memcpy(bytes, v.data(), 12);
  out.append(bytes, 12);
}

}  // namespace

Result<std::string> encode_stl(const std::vector<SurfaceMesh>& meshes) {
  std::uint64_t triangles = 0;
  for (const SurfaceMesh& m : meshes) triangles += m.triangle_count();
  if (triangles > 0xffffffffu)
    return make_error(ErrorCode::invalid_input, "too many triangles for STL");
  std::string out(kHeaderBytes, ' ');
  const std::string title = "MedVision binary STL, LPS millimetres";
  out.replace(0, title.size(), title);
  const auto count = static_cast<std::uint32_t>(triangles);
  out.append(reinterpret_cast<const char*>(&count), 4);
  out.reserve(out.size() + kTriangleBytes * triangles);
  for (const SurfaceMesh& m : meshes) {
    for (std::size_t t = 0; t + 2 < m.indices.size(); t += 3) {
      const Eigen::Vector3f& a = m.positions[m.indices[t]];
      const Eigen::Vector3f& b = m.positions[m.indices[t + 1]];
      const Eigen::Vector3f& c = m.positions[m.indices[t + 2]];
      const Eigen::Vector3f n = (b - a).cross(c - a).normalized();
      put_floats(out, n.allFinite() ? n : Eigen::Vector3f::Zero());
      put_floats(out, a);
      put_floats(out, b);
      put_floats(out, c);
      out.append(2, '\0');
    }
  }
  return out;
}

Status write_stl(const std::filesystem::path& path, const std::vector<SurfaceMesh>& meshes) {
  auto encoded = encode_stl(meshes);
  if (!encoded) return encoded.error();
  const std::string& out = *encoded;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(out.data(), static_cast<std::streamsize>(out.size()));
  if (!file) return make_error(ErrorCode::unavailable, "cannot write STL file " + path.string());
  return {};
}

Result<SurfaceMesh> read_stl(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error(ErrorCode::not_found, "cannot open STL file " + path.string());
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.size() < kHeaderBytes + 4) {
    return make_error(ErrorCode::invalid_input,
                      "STL file " + path.string() + " is shorter than its header");
  }
  std::uint32_t count = 0;
  std::memcpy(&count, bytes.data() + kHeaderBytes, 4);
  if (bytes.size() != kHeaderBytes + 4 + kTriangleBytes * std::uint64_t{count}) {
    return make_error(ErrorCode::invalid_input,
                      "STL file " + path.string() + " holds " + std::to_string(bytes.size()) +
                          " bytes, not the " + std::to_string(count) +
                          " triangles its header announces (ASCII STL is not read)");
  }
  SurfaceMesh mesh;
  mesh.positions.resize(3 * std::size_t{count});
  mesh.indices.resize(3 * std::size_t{count});
  for (std::size_t t = 0; t < count; ++t) {
    const char* tri = bytes.data() + kHeaderBytes + 4 + kTriangleBytes * t + 12;
    for (std::size_t c = 0; c < 3; ++c) {
      std::memcpy(mesh.positions[3 * t + c].data(), tri + 12 * c, 12);
      mesh.indices[3 * t + c] = static_cast<std::uint32_t>(3 * t + c);
    }
  }
  return mesh;
}

}  // namespace medvision::imaging
