#pragma once
// glTF 2.0 binary (.glb) export of structure meshes for the browser viewer.
//
// One node per structure, named after it, with its own mesh and a material of
// its colour. Attributes are quantized (KHR_mesh_quantization, declared used
// and required): positions as normalized int16 with the node's translation
// and uniform scale mapping them back to LPS millimetres, normals as
// normalized int8, indices as uint16 or uint32. The structure nodes hang
// under one root node that, by default, turns LPS millimetres into glTF's
// frame: metres, +Y up (superior), +Z front (anterior), +X the patient's left.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "imaging/mesh.h"

namespace medvision::imaging {

struct GltfOptions {
  // Root node converts LPS mm to glTF metres, Y up; off, the scene stays in LPS mm.
  bool metres_y_up = true;
  std::string generator = "MedVision";
};

inline constexpr const char* gltf_root_node_name = "patient";

// The .glb file as bytes (a mesh without normals gets area-weighted ones).
Result<std::vector<std::uint8_t>> encode_glb(const std::vector<SurfaceMesh>& meshes,
                                             const GltfOptions& options = {});
Status write_glb(const std::filesystem::path& path, const std::vector<SurfaceMesh>& meshes,
                 const GltfOptions& options = {});

}  // namespace medvision::imaging
