// Contacts between tissue particles and kinematic colliders, as inequality
// constraints C = distance >= 0 with zero compliance: a particle found inside
// is moved to the surface (the collider, being kinematic, has infinite mass,
// so the whole correction goes to the particle; its multiplier is
// lambda = m * depth). Friction is positional, as in Macklin et al. 2014
// ("Unified particle physics for real-time applications", sec. 6.1, eq. 24)
// and Mueller et al. 2020 ("Detailed rigid body simulation with extended
// position based dynamics", sec. 3.5): the particle's tangential motion
// relative to the collider during the substep is undone up to mu times the
// normal correction (static), beyond that it slides and loses exactly
// mu * depth (kinetic, same coefficient).
//
// The reaction on the collider is the opposite of the momentum the contact
// gave the particle, -m dx / h per substep; summed per fixed particle chunk so
// the total does not depend on how threads split the particles.

#include "sim/xpbd_stages.h"

namespace medvision::sim {
namespace {

struct ContactResult {
  bool touching = false;
  Vec3 correction = Vec3::Zero();
};

ContactResult push_out(const SurfaceContact& s, Real friction, Real h, Vec3& x,
                       const Vec3& x_prev) {
  ContactResult r;
  if (s.distance >= 0) return r;
  const Real depth = -s.distance;
  const Vec3 normal_correction = depth * s.normal;
  x += normal_correction;
  const Vec3 relative = (x - x_prev) - s.surface_velocity * h;
  const Vec3 tangential = relative - relative.dot(s.normal) * s.normal;
  const Real slip = tangential.norm();
  const Real limit = friction * depth;
  const Vec3 friction_correction =
      slip <= limit ? Vec3(-tangential) : Vec3(-tangential * (limit / slip));
  x += friction_correction;
  r.touching = true;
  r.correction = normal_correction + friction_correction;
  return r;
}

}  // namespace

void ContactTotals::reset(std::size_t particles, std::size_t collider_count) {
  const std::size_t chunk_count = (particles + kParticlesPerChunk - 1) / kParticlesPerChunk;
  colliders = collider_count;
  impulse.assign(chunk_count * collider_count, Vec3::Zero());
  angular_impulse.assign(chunk_count * collider_count, Vec3::Zero());
  contacts.assign(chunk_count * collider_count, 0);
}

void project_contacts(const TissueModel& model, TissueState& state, Real h, Real elapsed_s,
                      const StepInputs& inputs, ContactTotals& totals, Phases& phases) {
  if (totals.colliders == 0) return;
  phases.chunks(model.particles(), ContactTotals::kParticlesPerChunk,
                [&](std::size_t chunk, std::size_t begin, std::size_t end) {
                  const std::size_t base = chunk * totals.colliders;
                  for (std::size_t k = 0; k < totals.colliders; ++k) totals.contacts[base + k] = 0;
                  for (std::size_t i = begin; i < end; ++i) {
                    if (model.inv_mass[i] == 0) continue;
                    Vec3& x = state.position[i];
                    const Vec3& x_prev = state.previous_position[i];
                    std::size_t k = base;
                    auto apply = [&](const auto& collider) {
                      const ContactResult r = push_out(surface_contact(collider, elapsed_s, x),
                                                       collider.friction, h, x, x_prev);
                      if (r.touching) {
                        const Vec3 impulse = -model.mass[i] * r.correction / h;
                        totals.impulse[k] += impulse;
                        totals.angular_impulse[k] += x.cross(impulse);
                        ++totals.contacts[k];
                      }
                      ++k;
                    };
                    for (const auto& c : inputs.planes) apply(c);
                    for (const auto& c : inputs.spheres) apply(c);
                    for (const auto& c : inputs.capsules) apply(c);
                  }
                });
}

}  // namespace medvision::sim
