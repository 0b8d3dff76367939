#pragma once
// The 256 cube cases of the isosurface extractor, derived at start-up from a
// rule rather than copied from a published table.
//
// Corner c of a cell is (c & 1, (c >> 1) & 1, c >> 2) in grid steps; bit c of
// a case index is set when that corner is inside (value >= iso). Edges 0-3
// run along x at (y, z) = (0,0), (1,0), (0,1), (1,1); edges 4-7 along y at
// (x, z) = (0,0), (1,0), (0,1), (1,1); edges 8-11 along z at (x, y) = (0,0),
// (1,0), (0,1), (1,1).
//
// Derivation (the idea of Lorensen & Cline 1987, built face by face): on each
// of the six faces the crossed edges are joined by segments that cut off the
// inside corners (an ambiguous face, two inside corners on a diagonal, keeps
// them apart). Both cells sharing a face see the same corners and so the same
// segments, which makes the surface watertight and every edge vertex manifold.
// Segments are directed so that inside lies on their left seen from outside the
// cell; they chain into closed loops, and each loop is triangulated as a fan
// whose diagonals never join two edges of one face (such a diagonal could be
// repeated by the neighbouring cell and give an edge with four triangles).
// Loops with no such fan get a centre vertex instead.

#include <array>
#include <cstdint>

namespace medvision::imaging::isosurface_cases {

// Vertex slots 0-11 are the cell's edges; slot 12 + n is the centre of loop n.
inline constexpr int max_triangles = 16;
inline constexpr int max_centres = 4;

struct Case {
  std::uint8_t triangle_count = 0;
  std::uint8_t centre_count = 0;
  std::uint16_t edge_mask = 0;  // bit e set when edge e carries a vertex
  std::array<std::array<std::uint8_t, 3>, max_triangles>
      triangles{};  // slots, outward (counter-clockwise) winding
  // Edges around each centred loop (slot list ends with 0xff).
  std::array<std::array<std::uint8_t, 13>, max_centres> centre_loops{};
};

// The table, built once (thread-safe static).
const std::array<Case, 256>& cases();

// Corners joined by an edge.
std::array<int, 2> edge_corners(int edge);

}  // namespace medvision::imaging::isosurface_cases
