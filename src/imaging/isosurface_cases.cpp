#include "imaging/isosurface_cases.h"

#include <Eigen/Geometry>
#include <cstdlib>
#include <vector>

namespace medvision::imaging::isosurface_cases {
namespace {

Eigen::Vector3d corner_position(int c) {
  return Eigen::Vector3d(static_cast<double>(c & 1), static_cast<double>((c >> 1) & 1),
                         static_cast<double>(c >> 2));
}

int corner_index(int x, int y, int z) { return x + 2 * y + 4 * z; }

int edge_between(int a, int b) {
  for (int e = 0; e < 12; ++e) {
    const auto [p, q] = edge_corners(e);
    if ((p == a && q == b) || (p == b && q == a)) return e;
  }
  std::abort();  // not reachable for corners of one face
}

Eigen::Vector3d edge_midpoint(int e) {
  const auto [a, b] = edge_corners(e);
  return 0.5 * (corner_position(a) + corner_position(b));
}

struct Face {
  std::array<int, 4> corners;  // in cyclic order
  std::array<int, 4> edges;    // edges[k] joins corners[k] and corners[k + 1]
  Eigen::Vector3d outward;
};

std::array<Face, 6> make_faces() {
  std::array<Face, 6> faces{};
  int f = 0;
  for (int axis = 0; axis < 3; ++axis) {
    const int u = (axis + 1) % 3;
    const int v = (axis + 2) % 3;
    for (int side = 0; side < 2; ++side) {
      Face& face = faces[static_cast<std::size_t>(f++)];
      const int cycle[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
      for (int k = 0; k < 4; ++k) {
        int xyz[3];
        xyz[axis] = side;
        xyz[u] = cycle[k][0];
        xyz[v] = cycle[k][1];
        face.corners[static_cast<std::size_t>(k)] = corner_index(xyz[0], xyz[1], xyz[2]);
      }
      for (int k = 0; k < 4; ++k) {
        face.edges[static_cast<std::size_t>(k)] =
            edge_between(face.corners[static_cast<std::size_t>(k)],
                         face.corners[static_cast<std::size_t>((k + 1) % 4)]);
      }
      face.outward = Eigen::Vector3d::Zero();
      face.outward[axis] = side == 0 ? -1.0 : 1.0;
    }
  }
  return faces;
}

bool share_face(const std::array<Face, 6>& faces, int a, int b) {
  for (const Face& face : faces) {
    bool has_a = false;
    bool has_b = false;
    for (int e : face.edges) {
      has_a = has_a || e == a;
      has_b = has_b || e == b;
    }
    if (has_a && has_b) return true;
  }
  return false;
}

// Directs the segment a -> b so that `corner` (inside or not) lies on the
// correct side: cross(b - a, outward) points towards inside corners.
void add_segment(std::array<int, 12>& next, const Face& face, int a, int b, int corner,
                 bool corner_inside) {
  const Eigen::Vector3d ma = edge_midpoint(a);
  const Eigen::Vector3d mb = edge_midpoint(b);
  const Eigen::Vector3d side = (mb - ma).cross(face.outward);
  const double s = side.dot(corner_position(corner) - 0.5 * (ma + mb));
  if ((s > 0) != corner_inside) std::swap(a, b);
  if (next[static_cast<std::size_t>(a)] != -1) std::abort();  // each crossing leaves once
  next[static_cast<std::size_t>(a)] = b;
}

Case build_case(int index, const std::array<Face, 6>& faces) {
  auto inside = [index](int c) { return ((index >> c) & 1) != 0; };
  std::array<int, 12> next;
  next.fill(-1);
  for (const Face& face : faces) {
    std::vector<int> crossed;  // face-edge positions k
    for (int k = 0; k < 4; ++k) {
      if (inside(face.corners[static_cast<std::size_t>(k)]) !=
          inside(face.corners[static_cast<std::size_t>((k + 1) % 4)])) {
        crossed.push_back(k);
      }
    }
    if (crossed.size() == 2) {
      add_segment(next, face, face.edges[static_cast<std::size_t>(crossed[0])],
                  face.edges[static_cast<std::size_t>(crossed[1])], face.corners[0],
                  inside(face.corners[0]));
    } else if (crossed.size() == 4) {
      // Ambiguous face: cut off each inside corner p with edges p - 1 and p.
      for (std::size_t p = 0; p < 4; ++p) {
        if (!inside(face.corners[p])) continue;
        add_segment(next, face, face.edges[(p + 3) % 4], face.edges[p], face.corners[p], true);
      }
    }
  }

  Case result;
  for (int e = 0; e < 12; ++e) {
    if (next[static_cast<std::size_t>(e)] != -1)
      result.edge_mask = static_cast<std::uint16_t>(result.edge_mask | (1u << e));
  }
  std::array<bool, 12> used{};
  for (int start = 0; start < 12; ++start) {
    if (next[static_cast<std::size_t>(start)] == -1 || used[static_cast<std::size_t>(start)])
      continue;
    std::vector<int> loop;
    for (int e = start; !used[static_cast<std::size_t>(e)]; e = next[static_cast<std::size_t>(e)]) {
      used[static_cast<std::size_t>(e)] = true;
      loop.push_back(e);
    }
    const int n = static_cast<int>(loop.size());
    int fan_start = -1;
    for (int s = 0; s < n && fan_start < 0; ++s) {
      bool ok = true;
      for (int m = 2; m <= n - 2 && ok; ++m) {
        ok = !share_face(faces, loop[static_cast<std::size_t>(s)],
                         loop[static_cast<std::size_t>((s + m) % n)]);
      }
      if (ok) fan_start = s;
    }
    auto add_triangle = [&result](int a, int b, int c) {
      if (result.triangle_count >= max_triangles) std::abort();
      result.triangles[result.triangle_count++] = {
          static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b), static_cast<std::uint8_t>(c)};
    };
    if (fan_start >= 0) {
      for (int m = 1; m + 1 < n; ++m) {
        add_triangle(loop[static_cast<std::size_t>(fan_start)],
                     loop[static_cast<std::size_t>((fan_start + m) % n)],
                     loop[static_cast<std::size_t>((fan_start + m + 1) % n)]);
      }
    } else {
      if (result.centre_count >= max_centres) std::abort();
      const int centre = 12 + result.centre_count;
      auto& ring = result.centre_loops[result.centre_count++];
      ring.fill(0xff);
      for (int m = 0; m < n; ++m) {
        ring[static_cast<std::size_t>(m)] =
            static_cast<std::uint8_t>(loop[static_cast<std::size_t>(m)]);
        add_triangle(centre, loop[static_cast<std::size_t>(m)],
                     loop[static_cast<std::size_t>((m + 1) % n)]);
      }
    }
  }
  return result;
}

std::array<Case, 256> build_cases() {
  const std::array<Face, 6> faces = make_faces();
  std::array<Case, 256> table{};
  for (int index = 0; index < 256; ++index)
    table[static_cast<std::size_t>(index)] = build_case(index, faces);
  return table;
}

}  // namespace

std::array<int, 2> edge_corners(int edge) {
  const int axis = edge / 4;
  const int a = edge & 1;
  const int b = (edge >> 1) & 1;
  int lo[3] = {0, 0, 0};
  // The two other coordinates, in x, y, z order, are (a, b).
  int other[2] = {0, 0};
  int n = 0;
  for (int d = 0; d < 3; ++d) {
    if (d != axis) other[n++] = d;
  }
  lo[other[0]] = a;
  lo[other[1]] = b;
  int hi[3] = {lo[0], lo[1], lo[2]};
  hi[axis] = 1;
  return {corner_index(lo[0], lo[1], lo[2]), corner_index(hi[0], hi[1], hi[2])};
}

const std::array<Case, 256>& cases() {
  static const std::array<Case, 256> table = build_cases();
  return table;
}

}  // namespace medvision::imaging::isosurface_cases
