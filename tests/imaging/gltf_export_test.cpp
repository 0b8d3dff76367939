#include "imaging/gltf_export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "../testing/require_peer.h"
#include "imaging/isosurface.h"
#include "surface_test_fields.h"

namespace medvision::imaging {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<SurfaceMesh> two_structures() {
  const Eigen::Vector3d centre(30, -20, 100);
  SurfaceMesh ball = extract_isosurface(
      test::sample_field(test::grid_around(centre, 30, Eigen::Vector3d::Constant(1.0)),
                         test::sphere(centre, 10)),
      0.0);
  ball.name = "Precentral_L";
  ball.rgb = {230, 25, 75};
  const Eigen::Vector3d ring_centre(-40, 10, 90);
  SurfaceMesh ring = extract_isosurface(
      test::sample_field(test::grid_around(ring_centre, 50, Eigen::Vector3d(1.0, 0.8, 1.2)),
                         test::torus(ring_centre, 15, 5)),
      0.0);
  ring.name = "Ring";
  ring.rgb = {60, 180, 75};
  compute_normals(ball);
  compute_normals(ring);
  return {ball, ring};
}

fs::path temp_file(const std::string& name) {
  return fs::temp_directory_path() / ("medvision_" + std::to_string(::getpid()) + "_" + name);
}

// The GLB container (glTF 2.0 spec, section 4.4): JSON chunk and BIN chunk.
struct Glb {
  json document;
  std::string bin;
};

Glb parse_glb(const std::vector<std::uint8_t>& bytes) {
  auto u32 = [&bytes](std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, bytes.data() + at, 4);
    return v;
  };
  Glb glb;
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "glTF");
  EXPECT_EQ(u32(4), 2u);
  EXPECT_EQ(u32(8), bytes.size());
  const std::uint32_t json_length = u32(12);
  EXPECT_EQ(u32(16), 0x4E4F534Au);  // "JSON"
  glb.document = json::parse(bytes.begin() + 20, bytes.begin() + 20 + json_length);
  const std::size_t bin_at = 20 + json_length;
  if (bin_at < bytes.size()) {
    EXPECT_EQ(u32(bin_at + 4), 0x004E4942u);  // "BIN"
    glb.bin.assign(bytes.begin() + static_cast<std::ptrdiff_t>(bin_at + 8),
                   bytes.begin() + static_cast<std::ptrdiff_t>(bin_at + 8 + u32(bin_at)));
  }
  return glb;
}

template <class T>
T read_at(const std::string& bin, std::size_t at) {
  T v{};
  std::memcpy(&v, bin.data() + at, sizeof(T));
  return v;
}

std::uint8_t linear_to_srgb_byte(double c) {
  const double s = c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1 / 2.4) - 0.055;
  return static_cast<std::uint8_t>(std::lround(s * 255));
}

TEST(GltfExport, PassesTheKhronosValidatorWithNoErrors) {
  const std::string validator = MEDVISION_SOURCE_DIR "/web/node_modules/gltf-validator/module.mjs";
  MV_REQUIRE_PEER(fs::exists(validator),
                  "gltf-validator in web/node_modules (scripts/bootstrap runs npm ci in web/)");
  const fs::path path = temp_file("structures.glb");
  ASSERT_TRUE(write_glb(path, two_structures()).ok());
  const std::string command =
      "node " MEDVISION_SOURCE_DIR "/tests/imaging/validate_gltf.mjs '" + path.string() + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char chunk[4096];
  while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
  const int status = ::pclose(pipe);
  fs::remove(path);
  const json report = json::parse(output, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << output;
  EXPECT_EQ(report["issues"]["numErrors"], 0) << report["issues"].dump(2);
  EXPECT_EQ(report["issues"]["numWarnings"], 0) << report["issues"].dump(2);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(report["info"]["totalVertexCount"].get<std::size_t>(),
            two_structures()[0].positions.size() + two_structures()[1].positions.size());
}

TEST(GltfExport, HasOneNamedColouredNodePerStructureUnderTheRoot) {
  const std::vector<SurfaceMesh> meshes = two_structures();
  const Result<std::vector<std::uint8_t>> bytes = encode_glb(meshes);
  ASSERT_TRUE(bytes.ok());
  const Glb glb = parse_glb(*bytes);
  const json& doc = glb.document;
  EXPECT_EQ(doc["asset"]["version"], "2.0");
  EXPECT_EQ(doc["extensionsUsed"], json::array({"KHR_mesh_quantization"}));
  EXPECT_EQ(doc["extensionsRequired"], json::array({"KHR_mesh_quantization"}));
  const json& root = doc["nodes"][doc["scenes"][0]["nodes"][0].get<int>()];
  EXPECT_EQ(root["name"], gltf_root_node_name);
  ASSERT_EQ(root["children"].size(), meshes.size());
  for (std::size_t s = 0; s < meshes.size(); ++s) {
    const json& node = doc["nodes"][root["children"][s].get<int>()];
    EXPECT_EQ(node["name"], meshes[s].name);
    const json& primitive = doc["meshes"][node["mesh"].get<int>()]["primitives"][0];
    const json& colour = doc["materials"][primitive["material"].get<int>()]["pbrMetallicRoughness"]
                            ["baseColorFactor"];
    for (int c = 0; c < 3; ++c)
      EXPECT_EQ(linear_to_srgb_byte(colour[c].get<double>()),
                meshes[s].rgb[static_cast<std::size_t>(c)]);
    EXPECT_EQ(doc["accessors"][primitive["attributes"]["POSITION"].get<int>()]["count"],
              meshes[s].positions.size());
    EXPECT_EQ(doc["accessors"][primitive["indices"].get<int>()]["count"], meshes[s].indices.size());
  }
}

TEST(GltfExport, DequantizedPositionsAndNormalsMatchTheMeshWithinOneQuantizationStep) {
  const std::vector<SurfaceMesh> meshes = two_structures();
  const Glb glb = parse_glb(*encode_glb(meshes));
  const json& doc = glb.document;
  const json& root = doc["nodes"][0];
  for (std::size_t s = 0; s < meshes.size(); ++s) {
    const SurfaceMesh& mesh = meshes[s];
    const json& node = doc["nodes"][root["children"][s].get<int>()];
    const Eigen::Vector3d t(node["translation"][0], node["translation"][1], node["translation"][2]);
    const double scale = node["scale"][0];
    const json& primitive = doc["meshes"][node["mesh"].get<int>()]["primitives"][0];
    const json& pa = doc["accessors"][primitive["attributes"]["POSITION"].get<int>()];
    EXPECT_EQ(pa["componentType"], 5122);  // SHORT
    EXPECT_TRUE(pa["normalized"].get<bool>());
    const json& pv = doc["bufferViews"][pa["bufferView"].get<int>()];
    const json& na = doc["accessors"][primitive["attributes"]["NORMAL"].get<int>()];
    EXPECT_EQ(na["componentType"], 5120);  // BYTE
    const json& nv = doc["bufferViews"][na["bufferView"].get<int>()];
    const double step = scale / 32767.0;
    for (std::size_t v = 0; v < mesh.positions.size(); ++v) {
      const std::size_t at =
          pv.value("byteOffset", std::size_t{0}) + v * pv["byteStride"].get<std::size_t>();
      for (int a = 0; a < 3; ++a) {
        const double q = std::max(
            read_at<std::int16_t>(glb.bin, at + 2 * static_cast<std::size_t>(a)) / 32767.0, -1.0);
        ASSERT_NEAR(t[a] + scale * q, mesh.positions[v][a], 0.5 * step + 1e-4);
      }
      const std::size_t nat =
          nv.value("byteOffset", std::size_t{0}) + v * nv["byteStride"].get<std::size_t>();
      Eigen::Vector3d n;
      for (int a = 0; a < 3; ++a)
        n[a] = std::max(read_at<std::int8_t>(glb.bin, nat + static_cast<std::size_t>(a)) / 127.0,
                        -1.0);
      ASSERT_GT(n.normalized().dot(mesh.normals[v].cast<double>()), 0.999);
    }
    const json& ia = doc["accessors"][primitive["indices"].get<int>()];
    const json& iv = doc["bufferViews"][ia["bufferView"].get<int>()];
    const bool wide = ia["componentType"] == 5125;
    for (std::size_t i = 0; i < mesh.indices.size(); ++i) {
      const std::size_t at = iv.value("byteOffset", std::size_t{0}) + i * (wide ? 4 : 2);
      const std::uint32_t index =
          wide ? read_at<std::uint32_t>(glb.bin, at) : read_at<std::uint16_t>(glb.bin, at);
      ASSERT_EQ(index, mesh.indices[i]);
    }
  }
}

TEST(GltfExport, RootNodeTurnsLpsMillimetresIntoMetresWithSuperiorUp) {
  const Glb glb = parse_glb(*encode_glb(two_structures()));
  const json& root = glb.document["nodes"][0];
  EXPECT_NEAR(root["scale"][0].get<double>(), 0.001, 1e-12);
  // Quaternion (x, y, z, w) of -90 degrees about x: LPS +z (superior) becomes glTF +y.
  const Eigen::Quaterniond q(root["rotation"][3].get<double>(), root["rotation"][0].get<double>(),
                             root["rotation"][1].get<double>(), root["rotation"][2].get<double>());
  EXPECT_TRUE((q * Eigen::Vector3d::UnitZ()).isApprox(Eigen::Vector3d::UnitY(), 1e-9));
  EXPECT_TRUE((q * Eigen::Vector3d::UnitY())
                  .isApprox(-Eigen::Vector3d::UnitZ(), 1e-9));  // posterior -> back
  const Glb plain = parse_glb(*encode_glb(two_structures(), GltfOptions{false}));
  EXPECT_FALSE(plain.document["nodes"][0].contains("rotation"));
}

TEST(GltfExport, RefusesAStructureWithoutTriangles) {
  SurfaceMesh empty;
  empty.name = "Nothing";
  EXPECT_FALSE(encode_glb({empty}).ok());
}

}  // namespace
}  // namespace medvision::imaging
