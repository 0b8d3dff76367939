#include "sim/tissue_state.h"

#include "core/hash.h"

namespace medvision::sim {
namespace {

void add(Fnv1a& h, const std::vector<Vec3>& values) {
  h.add(values.size());
  for (const Vec3& v : values) h.add_bytes(v.data(), sizeof(Real) * 3);
}

void add(Fnv1a& h, const std::vector<Real>& values) {
  h.add(values.size());
  h.add_bytes(values.data(), sizeof(Real) * values.size());
}

}  // namespace

TissueState initial_state(const TissueModel& model) {
  TissueState s;
  s.position = model.rest_position;
  s.previous_position = model.rest_position;
  s.velocity.assign(model.particles(), Vec3::Zero());
  s.lambda_hydrostatic.assign(model.tets.size(), 0.0);
  s.lambda_deviatoric.assign(model.tets.size(), 0.0);
  s.lambda_distance.assign(model.distances.size(), 0.0);
  s.lambda_bending.assign(model.bending.size(), 0.0);
  s.lambda_attachment.assign(model.attachments.size(), 0.0);
  return s;
}

std::uint64_t state_hash(const TissueState& state) {
  Fnv1a h;
  add(h, state.position);
  add(h, state.velocity);
  add(h, state.previous_position);
  add(h, state.lambda_hydrostatic);
  add(h, state.lambda_deviatoric);
  add(h, state.lambda_distance);
  add(h, state.lambda_bending);
  add(h, state.lambda_attachment);
  h.add(state.time_s);
  h.add(state.steps);
  return h.value();
}

}  // namespace medvision::sim
