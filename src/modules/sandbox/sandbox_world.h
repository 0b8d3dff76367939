#pragma once
// The sandbox's world: a table and six bodies that participants pick up and
// move. Kinematic, not a solver: free bodies fall (semi-implicit Euler),
// land on the table or the floor, slide to a stop and lie flat; held bodies
// follow the hand that holds them. The laparoscopy tasks use sim/'s rigid
// world instead; this one keeps the sandbox's recorded sessions replaying
// as they were recorded.

#include <cstdint>
#include <vector>

#include "session/world.h"

namespace medvision {

// Builds the sandbox: a table top at 0.9 m and six coloured bodies on it,
// laid out from `seed` (same seed, same layout).
WorldModel make_sandbox_model(std::uint64_t seed);
WorldState make_initial_state(const WorldModel& model, std::uint64_t seed);

// A hand that holds something this step: where it is now.
struct HandTarget {
  int participant = kNobody;
  int hand = 0;
  Pose pose;
};

// Advances free bodies by dt (semi-implicit Euler with ground/table contact)
// and moves held bodies with their hands.
void step_world(const WorldModel& model, WorldState& state, const std::vector<HandTarget>& hands,
                double dt);

// The body nearest to `point` within the grab reach that nobody holds, or kNobody.
int find_grabbable(const WorldModel& model, const WorldState& state, const Eigen::Vector3d& point);

// Lowest point of a body below its centre, for its current orientation.
double support_offset(const BodyModel& body, const Eigen::Quaterniond& orientation);

}  // namespace medvision
