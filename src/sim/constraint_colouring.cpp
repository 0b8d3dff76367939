#include "sim/constraint_colouring.h"

#include <algorithm>

namespace medvision::sim {

ColouredOrder colour_constraints(const std::vector<std::int32_t>& particles, int arity,
                                 const std::vector<Real>& inv_mass) {
  const std::size_t n = static_cast<std::size_t>(arity);
  const std::size_t count = n > 0 ? particles.size() / n : 0;
  std::vector<std::vector<int>> colours_at(inv_mass.size());  // colours touching each particle
  std::vector<int> colour(count, 0);
  std::vector<char> taken;
  int colour_count = 0;
  for (std::size_t c = 0; c < count; ++c) {
    const std::int32_t* p = &particles[c * n];
    taken.assign(colour_count + 1, 0);
    for (std::size_t k = 0; k < n; ++k) {
      if (inv_mass[p[k]] == 0) continue;
      for (int used : colours_at[p[k]]) taken[used] = 1;
    }
    const int chosen = static_cast<int>(std::find(taken.begin(), taken.end(), 0) - taken.begin());
    colour[c] = chosen;
    colour_count = std::max(colour_count, chosen + 1);
    for (std::size_t k = 0; k < n; ++k) {
      if (inv_mass[p[k]] != 0) colours_at[p[k]].push_back(chosen);
    }
  }

  ColouredOrder out;
  out.order.resize(count);
  for (std::size_t c = 0; c < count; ++c) out.order[c] = static_cast<std::int32_t>(c);
  std::stable_sort(out.order.begin(), out.order.end(),
                   [&](std::int32_t a, std::int32_t b) { return colour[a] < colour[b]; });
  std::vector<std::int32_t>& offsets = out.colouring.offsets;
  offsets.assign(colour_count + 1, 0);
  for (std::size_t c = 0; c < count; ++c) ++offsets[colour[c] + 1];
  for (std::size_t k = 1; k < offsets.size(); ++k) offsets[k] += offsets[k - 1];
  return out;
}

bool colouring_is_valid(const std::vector<std::int32_t>& particles, int arity,
                        const ConstraintColouring& colouring, const std::vector<Real>& inv_mass) {
  const std::size_t n = static_cast<std::size_t>(arity);
  if (colouring.offsets.empty() || colouring.offsets.back() * n != particles.size()) return false;
  std::vector<int> last_colour(inv_mass.size(), -1);
  for (int colour = 0; colour < colouring.colours(); ++colour) {
    for (std::int32_t c = colouring.offsets[colour]; c < colouring.offsets[colour + 1]; ++c) {
      for (std::size_t k = 0; k < n; ++k) {
        const std::int32_t p = particles[c * n + k];
        if (inv_mass[p] == 0) continue;
        if (last_colour[p] == colour) return false;
        last_colour[p] = colour;
      }
    }
  }
  return true;
}

}  // namespace medvision::sim
