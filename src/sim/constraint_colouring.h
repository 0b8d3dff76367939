#pragma once
// Greedy graph colouring of constraints (done once, when a model is built):
// two constraints get different colours when they share a movable particle.
// Pinned particles (inverse mass 0) are never written, so sharing them is no
// conflict, which keeps the colour count low next to fixed anatomy.

#include <cstdint>
#include <vector>

#include "sim/tissue_model.h"

namespace medvision::sim {

struct ColouredOrder {
  std::vector<std::int32_t> order;  // constraint indices sorted by colour
  ConstraintColouring colouring;    // offsets into `order`
};

// `particles` holds `arity` particle indices per constraint, back to back.
// First-fit in index order: deterministic, so a model always colours the same.
ColouredOrder colour_constraints(const std::vector<std::int32_t>& particles, int arity,
                                 const std::vector<Real>& inv_mass);

// True when no two constraints of one colour share a movable particle.
bool colouring_is_valid(const std::vector<std::int32_t>& particles, int arity,
                        const ConstraintColouring& colouring, const std::vector<Real>& inv_mass);

}  // namespace medvision::sim
