#include "imaging/gltf_export.h"

// The Debian package ships tinygltf compiled (libtinygltf.so): include the
// declarations only, without TINYGLTF_IMPLEMENTATION. We write no images.
#define TINYGLTF_NO_STB_IMAGE
#define TINYGLTF_NO_STB_IMAGE_WRITE
#define TINYGLTF_NO_EXTERNAL_IMAGE
#include <tiny_gltf.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace medvision::imaging {
namespace {

constexpr int kArrayBuffer = 34962;         // TINYGLTF_TARGET_ARRAY_BUFFER
constexpr int kElementArrayBuffer = 34963;  // TINYGLTF_TARGET_ELEMENT_ARRAY_BUFFER

// glTF colour factors are linear; our colours are sRGB (IEC 61966-2-1).
double srgb_to_linear(std::uint8_t c) {
  const double s = c / 255.0;
  return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}

// Appends bytes to the buffer at a 4-byte aligned offset and adds a view.
int add_view(tinygltf::Model& model, const void* data, std::size_t bytes, int stride, int target) {
  auto& buffer = model.buffers[0].data;
  buffer.resize((buffer.size() + 3) & ~std::size_t{3}, 0);
  tinygltf::BufferView view;
  view.buffer = 0;
  view.byteOffset = buffer.size();
  view.byteLength = bytes;
  view.byteStride = static_cast<std::size_t>(stride);
  view.target = target;
  const auto* p = static_cast<const unsigned char*>(data);
  buffer.insert(buffer.end(), p, p + bytes);
  model.bufferViews.push_back(view);
  return static_cast<int>(model.bufferViews.size() - 1);
}

int add_accessor(tinygltf::Model& model, int view, int component, int type, std::size_t count,
                 bool normalized, std::vector<double> min = {}, std::vector<double> max = {}) {
  tinygltf::Accessor a;
  a.bufferView = view;
  a.componentType = component;
  a.type = type;
  a.count = count;
  a.normalized = normalized;
  a.minValues = std::move(min);
  a.maxValues = std::move(max);
  model.accessors.push_back(a);
  return static_cast<int>(model.accessors.size() - 1);
}

// Centre and uniform half-extent that map the positions into [-1, 1].
struct Quantization {
  Eigen::Vector3d centre;
  double half_extent;
};

Quantization quantization_of(const SurfaceMesh& mesh) {
  Eigen::Vector3d lo = Eigen::Vector3d::Constant(std::numeric_limits<double>::max());
  Eigen::Vector3d hi = -lo;
  for (const Eigen::Vector3f& p : mesh.positions) {
    lo = lo.cwiseMin(p.cast<double>());
    hi = hi.cwiseMax(p.cast<double>());
  }
  const double half = 0.5 * (hi - lo).maxCoeff();
  return {0.5 * (lo + hi), half > 0 ? half : 1.0};
}

void add_structure(tinygltf::Model& model, const SurfaceMesh& source) {
  SurfaceMesh mesh = source;
  if (mesh.normals.size() != mesh.positions.size()) compute_normals(mesh);
  const std::size_t n = mesh.positions.size();
  const Quantization q = quantization_of(mesh);

  // Positions: int16 x, y, z plus 2 bytes of padding (vertex attributes are 4-byte aligned).
  std::vector<std::int16_t> positions(4 * n, 0);
  std::vector<double> pmin(3, 32767), pmax(3, -32767);
  for (std::size_t v = 0; v < n; ++v) {
    const Eigen::Vector3d u = (mesh.positions[v].cast<double>() - q.centre) / q.half_extent;
    for (int a = 0; a < 3; ++a) {
      const auto s = static_cast<std::int16_t>(std::lround(std::clamp(u[a], -1.0, 1.0) * 32767.0));
      positions[4 * v + static_cast<std::size_t>(a)] = s;
      pmin[static_cast<std::size_t>(a)] = std::min<double>(pmin[static_cast<std::size_t>(a)], s);
      pmax[static_cast<std::size_t>(a)] = std::max<double>(pmax[static_cast<std::size_t>(a)], s);
    }
  }
  // Normals: int8 x, y, z plus one byte of padding.
  std::vector<std::int8_t> normals(4 * n, 0);
  for (std::size_t v = 0; v < n; ++v) {
    for (int a = 0; a < 3; ++a) {
      normals[4 * v + static_cast<std::size_t>(a)] = static_cast<std::int8_t>(
          std::lround(std::clamp(mesh.normals[v][a], -1.0f, 1.0f) * 127.0f));
    }
  }

  tinygltf::Primitive primitive;
  primitive.mode = TINYGLTF_MODE_TRIANGLES;
  primitive.attributes["POSITION"] =
      add_accessor(model, add_view(model, positions.data(), positions.size() * 2, 8, kArrayBuffer),
                   TINYGLTF_COMPONENT_TYPE_SHORT, TINYGLTF_TYPE_VEC3, n, true, pmin, pmax);
  primitive.attributes["NORMAL"] =
      add_accessor(model, add_view(model, normals.data(), normals.size(), 4, kArrayBuffer),
                   TINYGLTF_COMPONENT_TYPE_BYTE, TINYGLTF_TYPE_VEC3, n, true);
  if (n <= 65536) {
    std::vector<std::uint16_t> small(mesh.indices.begin(), mesh.indices.end());
    primitive.indices = add_accessor(
        model, add_view(model, small.data(), small.size() * 2, 0, kElementArrayBuffer),
        TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT, TINYGLTF_TYPE_SCALAR, small.size(), false);
  } else {
    primitive.indices = add_accessor(
        model,
        add_view(model, mesh.indices.data(), mesh.indices.size() * 4, 0, kElementArrayBuffer),
        TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT, TINYGLTF_TYPE_SCALAR, mesh.indices.size(), false);
  }

  tinygltf::Material material;
  material.name = mesh.name;
  material.pbrMetallicRoughness.baseColorFactor = {
      srgb_to_linear(mesh.rgb[0]), srgb_to_linear(mesh.rgb[1]), srgb_to_linear(mesh.rgb[2]), 1.0};
  material.pbrMetallicRoughness.metallicFactor = 0.0;
  material.pbrMetallicRoughness.roughnessFactor = 0.6;
  model.materials.push_back(material);
  primitive.material = static_cast<int>(model.materials.size() - 1);

  tinygltf::Mesh gltf_mesh;
  gltf_mesh.name = mesh.name;
  gltf_mesh.primitives.push_back(primitive);
  model.meshes.push_back(gltf_mesh);

  tinygltf::Node node;
  node.name = mesh.name;
  node.mesh = static_cast<int>(model.meshes.size() - 1);
  node.translation = {q.centre.x(), q.centre.y(), q.centre.z()};
  node.scale = {q.half_extent, q.half_extent, q.half_extent};
  model.nodes.push_back(node);
}

}  // namespace

Result<std::vector<std::uint8_t>> encode_glb(const std::vector<SurfaceMesh>& meshes,
                                             const GltfOptions& options) {
  tinygltf::Model model;
  model.asset.version = "2.0";
  model.asset.generator = options.generator;
  model.extensionsUsed = {"KHR_mesh_quantization"};
  model.extensionsRequired = {"KHR_mesh_quantization"};
  model.buffers.resize(1);

  tinygltf::Node root;
  root.name = gltf_root_node_name;
  if (options.metres_y_up) {
    // LPS -> glTF: x' = x (left), y' = z (superior), z' = -y (anterior): a
    // rotation of -90 degrees about x, then millimetres to metres.
    const double s = std::sqrt(0.5);
    root.rotation = {-s, 0.0, 0.0, s};
    root.scale = {0.001, 0.001, 0.001};
  }
  model.nodes.push_back(root);
  for (const SurfaceMesh& mesh : meshes) {
    if (mesh.indices.empty() || mesh.positions.empty()) {
      return make_error(ErrorCode::invalid_input,
                        "structure \"" + mesh.name + "\" has no triangles to export");
    }
    add_structure(model, mesh);
    model.nodes[0].children.push_back(static_cast<int>(model.nodes.size() - 1));
  }
  if (model.buffers[0].data.empty()) model.buffers.clear();

  tinygltf::Scene scene;
  scene.nodes = {0};
  model.scenes.push_back(scene);
  model.defaultScene = 0;

  std::ostringstream out;
  tinygltf::TinyGLTF writer;
  if (!writer.WriteGltfSceneToStream(&model, out, false, true)) {
    return make_error(ErrorCode::internal, "tinygltf could not serialize the glTF model");
  }
  const std::string bytes = out.str();
  return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

Status write_glb(const std::filesystem::path& path, const std::vector<SurfaceMesh>& meshes,
                 const GltfOptions& options) {
  Result<std::vector<std::uint8_t>> bytes = encode_glb(meshes, options);
  if (!bytes.ok()) return bytes.error();
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes->data()),
             static_cast<std::streamsize>(bytes->size()));
  if (!file) return make_error(ErrorCode::unavailable, "cannot write glTF file " + path.string());
  return {};
}

}  // namespace medvision::imaging
