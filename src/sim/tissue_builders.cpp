// make_tet_block and make_cloth: the two shapes every test, benchmark and
// training module starts from until meshes come from imaging.

#include <algorithm>
#include <map>

#include "sim/dihedral.h"
#include "sim/tissue_model.h"

namespace medvision::sim {
namespace {

// Five tetrahedra per cube; corner v = dx + 2 dy + 4 dz. The even pattern
// cuts each face along the diagonal through v1/v2/v4/v7, the odd (mirrored)
// pattern along v0/v3/v5/v6, so alternating them by cube parity makes the
// face diagonals of neighbouring cubes agree.
constexpr std::array<std::array<int, 4>, 5> kEvenCube{
    {{0, 1, 2, 4}, {3, 2, 1, 7}, {5, 1, 4, 7}, {6, 4, 2, 7}, {1, 2, 4, 7}}};
constexpr std::array<std::array<int, 4>, 5> kOddCube{
    {{1, 0, 3, 5}, {2, 3, 0, 6}, {4, 0, 5, 6}, {7, 3, 6, 5}, {0, 3, 5, 6}}};
// Six tetrahedra sharing the diagonal v0-v7 (Kuhn 1960).
constexpr std::array<std::array<int, 4>, 6> kKuhnCube{
    {{0, 1, 3, 7}, {0, 3, 2, 7}, {0, 2, 6, 7}, {0, 6, 4, 7}, {0, 4, 5, 7}, {0, 5, 1, 7}}};

void add_tet(TissueModel& m, std::array<std::int32_t, 4> v, const Material& material,
             Real density) {
  auto x = [&](int k) -> const Vec3& { return m.rest_position[v[k]]; };
  Mat3 dm;
  dm << x(1) - x(0), x(2) - x(0), x(3) - x(0);
  if (dm.determinant() < 0) {
    std::swap(v[2], v[3]);
    dm << x(1) - x(0), x(2) - x(0), x(3) - x(0);
  }
  const Real volume = dm.determinant() / 6.0;
  m.tets.vertices.push_back(v);
  m.tets.inv_rest_shape.push_back(dm.inverse());
  m.tets.rest_volume.push_back(volume);
  m.tets.mu.push_back(material.lame_mu_Pa());
  m.tets.lambda.push_back(material.lame_lambda_Pa());
  for (std::int32_t p : v) m.mass[p] += density * volume / 4.0;
}

void set_inverse_masses(TissueModel& m) {
  m.inv_mass.resize(m.mass.size());
  for (std::size_t i = 0; i < m.mass.size(); ++i)
    m.inv_mass[i] = m.mass[i] > 0 ? 1.0 / m.mass[i] : 0.0;
}

}  // namespace

TissueModel make_tet_block(int nx, int ny, int nz, const Vec3& size, const Material& material,
                           Real density_kg_per_m3, CubeSplit split) {
  TissueModel m;
  auto index = [&](int i, int j, int k) {
    return static_cast<std::int32_t>(i + (nx + 1) * (j + (ny + 1) * k));
  };
  for (int k = 0; k <= nz; ++k) {
    for (int j = 0; j <= ny; ++j) {
      for (int i = 0; i <= nx; ++i) {
        m.rest_position.emplace_back(size.x() * i / nx, size.y() * j / ny, size.z() * k / nz);
      }
    }
  }
  m.mass.assign(m.rest_position.size(), 0.0);
  for (int k = 0; k < nz; ++k) {
    for (int j = 0; j < ny; ++j) {
      for (int i = 0; i < nx; ++i) {
        std::array<std::int32_t, 8> corner;
        for (int c = 0; c < 8; ++c)
          corner[c] = index(i + (c & 1), j + ((c >> 1) & 1), k + ((c >> 2) & 1));
        auto add_all = [&](const auto& pattern) {
          for (const auto& t : pattern) {
            add_tet(m, {corner[t[0]], corner[t[1]], corner[t[2]], corner[t[3]]}, material,
                    density_kg_per_m3);
          }
        };
        if (split == CubeSplit::six) {
          add_all(kKuhnCube);
        } else {
          add_all((i + j + k) % 2 == 0 ? kEvenCube : kOddCube);
        }
      }
    }
  }
  set_inverse_masses(m);
  finish_model(m);
  return m;
}

TissueModel make_cloth(const ClothSpec& spec) {
  TissueModel m;
  const int nx = spec.nx, ny = spec.ny;
  auto index = [&](int i, int j) { return static_cast<std::int32_t>(i + (nx + 1) * j); };
  for (int j = 0; j <= ny; ++j) {
    for (int i = 0; i <= nx; ++i)
      m.rest_position.emplace_back(spec.size.x() * i / nx, spec.size.y() * j / ny, 0.0);
  }
  m.mass.assign(m.rest_position.size(), 0.0);
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx; ++i) {
      const std::int32_t a = index(i, j), b = index(i + 1, j), c = index(i + 1, j + 1),
                         d = index(i, j + 1);
      if ((i + j) % 2 == 0) {
        m.surface.push_back({a, b, c});
        m.surface.push_back({a, c, d});
      } else {
        m.surface.push_back({a, b, d});
        m.surface.push_back({b, c, d});
      }
    }
  }
  auto x = [&](std::int32_t p) -> const Vec3& { return m.rest_position[p]; };
  // Each directed edge u->v of a counter-clockwise triangle, with the vertex opposite it.
  std::map<std::pair<std::int32_t, std::int32_t>, std::int32_t> opposite;
  for (const auto& t : m.surface) {
    const Real area = 0.5 * (x(t[1]) - x(t[0])).cross(x(t[2]) - x(t[0])).norm();
    for (std::int32_t p : t) m.mass[p] += spec.areal_density_kg_per_m2 * area / 3.0;
    opposite[{t[0], t[1]}] = t[2];
    opposite[{t[1], t[2]}] = t[0];
    opposite[{t[2], t[0]}] = t[1];
  }
  for (const auto& [edge, w_a] : opposite) {
    const auto [u, v] = edge;
    const auto twin = opposite.find({v, u});
    if (twin == opposite.end() || u < v) {  // boundary edge, or first time we meet an interior one
      m.distances.particles.push_back({u, v});
      m.distances.rest_length.push_back((x(u) - x(v)).norm());
      m.distances.compliance.push_back(spec.stretch_compliance_m_per_N);
    }
    if (twin != opposite.end() && u < v) {
      const std::int32_t w_b = twin->second;
      m.bending.particles.push_back({u, v, w_a, w_b});
      m.bending.rest_angle.push_back(dihedral_angle(x(u), x(v), x(w_a), x(w_b)));
      m.bending.compliance.push_back(spec.bend_compliance_per_N_m);
    }
  }
  set_inverse_masses(m);
  finish_model(m);
  return m;
}

}  // namespace medvision::sim
