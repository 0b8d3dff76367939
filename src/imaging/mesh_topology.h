#pragma once
// Topology of a triangle mesh: is it closed, manifold and consistently
// oriented, and what are its Euler characteristic and component count?

#include <cstddef>
#include <cstdint>

#include "imaging/mesh.h"

namespace medvision::imaging {

struct MeshTopology {
  std::size_t vertices = 0;  // used by at least one triangle
  std::size_t edges = 0;
  std::size_t triangles = 0;
  std::size_t boundary_edges = 0;        // used by one triangle
  std::size_t nonmanifold_edges = 0;     // used by more than two
  std::size_t misoriented_edges = 0;     // two triangles run along it the same way
  std::size_t nonmanifold_vertices = 0;  // triangles around it form more than one fan
  std::size_t components = 0;            // edge-connected pieces

  std::int64_t euler_characteristic() const {
    return static_cast<std::int64_t>(vertices) - static_cast<std::int64_t>(edges) +
           static_cast<std::int64_t>(triangles);
  }
  // Every edge shared by exactly two triangles.
  bool watertight() const { return boundary_edges == 0 && nonmanifold_edges == 0; }
  bool manifold() const { return nonmanifold_edges == 0 && nonmanifold_vertices == 0; }
  bool consistently_oriented() const { return misoriented_edges == 0; }
};

MeshTopology analyze_topology(const SurfaceMesh& mesh);

}  // namespace medvision::imaging
