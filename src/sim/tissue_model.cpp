#include "sim/tissue_model.h"

#include <algorithm>
#include <map>

#include "sim/constraint_colouring.h"

namespace medvision::sim {
namespace {

template <class T>
void permute(std::vector<T>& values, const std::vector<std::int32_t>& order) {
  std::vector<T> sorted;
  sorted.reserve(values.size());
  for (std::int32_t i : order) sorted.push_back(values[i]);
  values.swap(sorted);
}

template <std::size_t N>
std::vector<std::int32_t> flatten(const std::vector<std::array<std::int32_t, N>>& items) {
  std::vector<std::int32_t> flat;
  flat.reserve(items.size() * N);
  for (const auto& item : items) flat.insert(flat.end(), item.begin(), item.end());
  return flat;
}

// Stable neo-Hookean per-tet constants. Macklin & Mueller 2021 write the
// energy as mu/2 (I_C - 3) + lambda/2 (J - gamma)^2, gamma = 1 + mu/lambda,
// i.e. constraints C_D = sqrt(I_C) with compliance 1/(mu V) and
// C_H = J - gamma with compliance 1/(lambda V). Expanding about F = I + e
// (our derivation, as Smith et al. 2018 sec. 3.4 do for their variant) the
// quadratic part is mu |sym e|^2 + (lambda - mu)/2 (tr e)^2, so the
// constant that plays linear elasticity's lambda is (lambda - mu). We
// therefore use lambda' = lambda + mu in C_H, which makes small strains obey
// the material's E and nu exactly (checked by the Poisson-ratio test).
void derive_tet_constants(TetConstraints& tets) {
  const std::size_t n = tets.size();
  tets.deviatoric_compliance.resize(n);
  tets.hydrostatic_compliance.resize(n);
  tets.rest_volume_ratio.resize(n);
  tets.temperature_C.resize(n, kBodyTemperature_C);
  for (std::size_t t = 0; t < n; ++t) {
    const Real mu = tets.mu[t];
    const Real lambda = tets.lambda[t] + mu;
    tets.deviatoric_compliance[t] = 1.0 / (mu * tets.rest_volume[t]);
    tets.hydrostatic_compliance[t] = 1.0 / (lambda * tets.rest_volume[t]);
    tets.rest_volume_ratio[t] = 1.0 + mu / lambda;
  }
}

// Boundary faces are those that belong to exactly one tet; their winding is
// the outward one of that tet (for a positive tet (a,b,c,d) the outward faces
// are (a,c,b), (a,b,d), (a,d,c), (b,c,d)).
std::vector<std::array<std::int32_t, 3>> boundary_faces(const TetConstraints& tets) {
  std::map<std::array<std::int32_t, 3>, std::pair<int, std::array<std::int32_t, 3>>> faces;
  for (const auto& v : tets.vertices) {
    const std::array<std::array<std::int32_t, 3>, 4> outward{
        {{v[0], v[2], v[1]}, {v[0], v[1], v[3]}, {v[0], v[3], v[2]}, {v[1], v[2], v[3]}}};
    for (const auto& f : outward) {
      std::array<std::int32_t, 3> key = f;
      std::sort(key.begin(), key.end());
      auto& entry = faces[key];
      ++entry.first;
      entry.second = f;
    }
  }
  std::vector<std::array<std::int32_t, 3>> surface;
  for (const auto& [key, entry] : faces) {
    if (entry.first == 1) surface.push_back(entry.second);
  }
  return surface;
}

void collect_edges(TissueModel& model) {
  std::vector<std::array<std::int32_t, 2>> edges;
  auto add = [&](std::int32_t a, std::int32_t b) {
    edges.push_back({std::min(a, b), std::max(a, b)});
  };
  for (const auto& v : model.tets.vertices) {
    for (int i = 0; i < 4; ++i) {
      for (int j = i + 1; j < 4; ++j) add(v[i], v[j]);
    }
  }
  for (const auto& p : model.distances.particles) add(p[0], p[1]);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  model.edges = std::move(edges);
  model.edge_rest_length.resize(model.edges.size());
  for (std::size_t e = 0; e < model.edges.size(); ++e) {
    const auto [a, b] = model.edges[e];
    model.edge_rest_length[e] = (model.rest_position[a] - model.rest_position[b]).norm();
  }
}

void colour_tets(TissueModel& m) {
  auto coloured = colour_constraints(flatten(m.tets.vertices), 4, m.inv_mass);
  auto& t = m.tets;
  permute(t.vertices, coloured.order);
  permute(t.inv_rest_shape, coloured.order);
  permute(t.rest_volume, coloured.order);
  permute(t.mu, coloured.order);
  permute(t.lambda, coloured.order);
  permute(t.deviatoric_compliance, coloured.order);
  permute(t.hydrostatic_compliance, coloured.order);
  permute(t.rest_volume_ratio, coloured.order);
  permute(t.temperature_C, coloured.order);
  t.colouring = std::move(coloured.colouring);
}

void colour_distances(TissueModel& m) {
  auto coloured = colour_constraints(flatten(m.distances.particles), 2, m.inv_mass);
  auto& d = m.distances;
  permute(d.particles, coloured.order);
  permute(d.rest_length, coloured.order);
  permute(d.compliance, coloured.order);
  d.colouring = std::move(coloured.colouring);
}

void colour_bending(TissueModel& m) {
  auto coloured = colour_constraints(flatten(m.bending.particles), 4, m.inv_mass);
  auto& b = m.bending;
  permute(b.particles, coloured.order);
  permute(b.rest_angle, coloured.order);
  permute(b.compliance, coloured.order);
  b.colouring = std::move(coloured.colouring);
}

void colour_attachments(TissueModel& m) {
  auto coloured = colour_constraints(m.attachments.particle, 1, m.inv_mass);
  auto& a = m.attachments;
  permute(a.particle, coloured.order);
  permute(a.kind, coloured.order);
  permute(a.target, coloured.order);
  permute(a.normal, coloured.order);
  permute(a.compliance, coloured.order);
  a.colouring = std::move(coloured.colouring);
}

int attach(TissueModel& model, const ParticleFilter& where, AttachmentKind kind, const Vec3& normal,
           Real compliance, const Vec3& offset) {
  int count = 0;
  auto& a = model.attachments;
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (!where(model.rest_position[i])) continue;
    a.particle.push_back(static_cast<std::int32_t>(i));
    a.kind.push_back(kind);
    a.target.push_back(model.rest_position[i] + offset);
    a.normal.push_back(normal);
    a.compliance.push_back(compliance);
    ++count;
  }
  finish_model(model);
  return count;
}

}  // namespace

Real Material::lame_mu_Pa() const { return youngs_modulus_Pa / (2.0 * (1.0 + poisson_ratio)); }

Real Material::lame_lambda_Pa() const {
  return youngs_modulus_Pa * poisson_ratio / ((1.0 + poisson_ratio) * (1.0 - 2.0 * poisson_ratio));
}

void finish_model(TissueModel& model) {
  derive_tet_constants(model.tets);
  if (!model.tets.vertices.empty()) model.surface = boundary_faces(model.tets);
  collect_edges(model);
  colour_tets(model);
  colour_distances(model);
  colour_bending(model);
  colour_attachments(model);
}

namespace {

template <class T>
void erase_where(std::vector<T>& values, const std::vector<bool>& drop) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!drop[i]) values[out++] = values[i];
  }
  values.resize(out);
}

}  // namespace

void erase_constraints(TetConstraints& tets, const std::vector<bool>& drop) {
  erase_where(tets.vertices, drop);
  erase_where(tets.inv_rest_shape, drop);
  erase_where(tets.rest_volume, drop);
  erase_where(tets.mu, drop);
  erase_where(tets.lambda, drop);
  erase_where(tets.deviatoric_compliance, drop);
  erase_where(tets.hydrostatic_compliance, drop);
  erase_where(tets.rest_volume_ratio, drop);
  erase_where(tets.temperature_C, drop);
}

void erase_constraints(DistanceConstraints& distances, const std::vector<bool>& drop) {
  erase_where(distances.particles, drop);
  erase_where(distances.rest_length, drop);
  erase_where(distances.compliance, drop);
}

void erase_constraints(BendingConstraints& bending, const std::vector<bool>& drop) {
  erase_where(bending.particles, drop);
  erase_where(bending.rest_angle, drop);
  erase_where(bending.compliance, drop);
}

void erase_constraints(Attachments& attachments, const std::vector<bool>& drop) {
  erase_where(attachments.particle, drop);
  erase_where(attachments.kind, drop);
  erase_where(attachments.target, drop);
  erase_where(attachments.normal, drop);
  erase_where(attachments.compliance, drop);
}

int pin_particles(TissueModel& model, const ParticleFilter& where) {
  int count = 0;
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (!where(model.rest_position[i])) continue;
    model.inv_mass[i] = 0;
    ++count;
  }
  finish_model(model);
  return count;
}

int attach_particles(TissueModel& model, const ParticleFilter& where, Real compliance_m_per_N,
                     const Vec3& offset) {
  return attach(model, where, AttachmentKind::point, Vec3::Zero(), compliance_m_per_N, offset);
}

int attach_particles_to_plane(TissueModel& model, const ParticleFilter& where, const Vec3& normal,
                              Real compliance_m_per_N, const Vec3& offset) {
  return attach(model, where, AttachmentKind::plane, normal.normalized(), compliance_m_per_N,
                offset);
}

Real rest_volume(const TissueModel& model) {
  Real v = 0;
  for (Real tv : model.tets.rest_volume) v += tv;
  return v;
}

Real total_mass(const TissueModel& model) {
  Real m = 0;
  for (Real pm : model.mass) m += pm;
  return m;
}

}  // namespace medvision::sim
