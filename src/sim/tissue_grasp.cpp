#include "sim/tissue_grasp.h"

#include <algorithm>

namespace medvision::sim {
namespace {

bool held(const TissueGrasp& grasp, std::int32_t particle) {
  return std::binary_search(grasp.particles.begin(), grasp.particles.end(), particle);
}

std::vector<bool> attached_particles(const TissueModel& model) {
  std::vector<bool> attached(model.particles(), false);
  for (std::int32_t p : model.attachments.particle) attached[static_cast<std::size_t>(p)] = true;
  return attached;
}

}  // namespace

void fit_multipliers(const TissueModel& model, TissueState& state) {
  state.lambda_hydrostatic.assign(model.tets.size(), 0.0);
  state.lambda_deviatoric.assign(model.tets.size(), 0.0);
  state.lambda_distance.assign(model.distances.size(), 0.0);
  state.lambda_bending.assign(model.bending.size(), 0.0);
  state.lambda_attachment.assign(model.attachments.size(), 0.0);
}

TissueGrasp grasp_tissue(TissueModel& model, TissueState& state, const Transform& jaws,
                         const GraspJaws& spec, const std::vector<bool>& eligible) {
  TissueGrasp grasp;
  const Vec3 along = jaws.rotation * Vec3::UnitZ();
  const Quat to_local = jaws.rotation.conjugate();
  const std::vector<bool> attached = attached_particles(model);
  for (std::size_t i = 0; i < model.particles(); ++i) {
    if (model.inv_mass[i] == 0 || attached[i]) continue;
    if (!eligible.empty() && !eligible[i]) continue;
    const Vec3 r = state.position[i] - jaws.translation;
    const Real s = std::clamp(r.dot(along), Real(0), spec.length_m);
    if ((r - s * along).norm() > spec.radius_m) continue;
    grasp.particles.push_back(static_cast<std::int32_t>(i));
    grasp.local.push_back(to_local * r);
  }
  if (!grasp.holding()) return grasp;
  auto& a = model.attachments;
  for (std::size_t k = 0; k < grasp.particles.size(); ++k) {
    a.particle.push_back(grasp.particles[k]);
    a.kind.push_back(AttachmentKind::point);
    a.target.push_back(state.position[static_cast<std::size_t>(grasp.particles[k])]);
    a.normal.push_back(Vec3::Zero());
    a.compliance.push_back(spec.compliance_m_per_N);
  }
  finish_model(model);
  fit_multipliers(model, state);
  return grasp;
}

void carry_tissue_grasp(TissueModel& model, const TissueGrasp& grasp, const Transform& jaws) {
  auto& a = model.attachments;
  for (std::size_t c = 0; c < a.size(); ++c) {
    const auto it = std::lower_bound(grasp.particles.begin(), grasp.particles.end(), a.particle[c]);
    if (it == grasp.particles.end() || *it != a.particle[c]) continue;
    a.target[c] = jaws.apply(grasp.local[static_cast<std::size_t>(it - grasp.particles.begin())]);
  }
}

void release_tissue_grasp(TissueModel& model, TissueState& state, TissueGrasp& grasp) {
  if (!grasp.holding()) return;
  auto& a = model.attachments;
  std::vector<bool> drop(a.size());
  for (std::size_t c = 0; c < a.size(); ++c) drop[c] = held(grasp, a.particle[c]);
  erase_constraints(a, drop);
  grasp = TissueGrasp{};
  finish_model(model);
  fit_multipliers(model, state);
}

Vec3 tissue_grasp_force(const TissueModel& model, const TissueState& state,
                        const TissueGrasp& grasp, Real h) {
  const auto& a = model.attachments;
  if (!grasp.holding() || state.lambda_attachment.size() != a.size()) return Vec3::Zero();
  Vec3 force = Vec3::Zero();
  for (std::size_t c = 0; c < a.size(); ++c) {
    if (!held(grasp, a.particle[c])) continue;
    const Vec3 delta = state.position[static_cast<std::size_t>(a.particle[c])] - a.target[c];
    const Real len = delta.norm();
    if (len == 0) continue;
    force += state.lambda_attachment[c] * delta / len;
  }
  return force / (h * h);
}

}  // namespace medvision::sim
