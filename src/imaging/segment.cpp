#include "imaging/segment.h"

#include <algorithm>
#include <numeric>
#include <string>

namespace medvision::imaging {
namespace {

template <class F>
Volume mask_where(const Volume& volume, F&& inside) {
  Volume mask(volume.geometry(), VoxelType::u8, ValueUnit::label);
  auto& out = mask.data<std::uint8_t>();
  std::visit(
      [&](const auto& v) {
        for (std::size_t n = 0; n < v.size(); ++n)
          out[n] = inside(static_cast<double>(v[n])) ? 1 : 0;
      },
      volume.storage());
  return mask;
}

// Union-find labelling of the non-zero voxels, 6-connected; returns a root
// per voxel (or -1 for background) with roots at each component's first voxel.
std::vector<std::int64_t> component_roots(const Volume& mask) {
  const Volume in =
      mask.type() == VoxelType::u8 ? mask : mask_where(mask, [](double v) { return v != 0; });
  const auto& m = in.data<std::uint8_t>();
  const Dims& d = mask.dims();
  std::vector<std::int64_t> parent(m.size(), -1);
  auto find = [&parent](std::int64_t x) {
    while (parent[static_cast<std::size_t>(x)] != x) {
      parent[static_cast<std::size_t>(x)] =
          parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
      x = parent[static_cast<std::size_t>(x)];
    }
    return x;
  };
  auto join = [&](std::int64_t a, std::int64_t b) {
    a = find(a);
    b = find(b);
    if (a != b)
      parent[static_cast<std::size_t>(std::max(a, b))] =
          std::min(a, b);  // smallest index is the root
  };
  const std::int64_t sx = d[0], sxy = d[0] * d[1];
  std::int64_t n = 0;
  for (std::int64_t k = 0; k < d[2]; ++k) {
    for (std::int64_t j = 0; j < d[1]; ++j) {
      for (std::int64_t i = 0; i < d[0]; ++i, ++n) {
        if (m[static_cast<std::size_t>(n)] == 0) continue;
        parent[static_cast<std::size_t>(n)] = n;
        if (i > 0 && m[static_cast<std::size_t>(n - 1)] != 0) join(n, n - 1);
        if (j > 0 && m[static_cast<std::size_t>(n - sx)] != 0) join(n, n - sx);
        if (k > 0 && m[static_cast<std::size_t>(n - sxy)] != 0) join(n, n - sxy);
      }
    }
  }
  for (std::int64_t v = 0; v < static_cast<std::int64_t>(parent.size()); ++v) {
    if (parent[static_cast<std::size_t>(v)] >= 0) parent[static_cast<std::size_t>(v)] = find(v);
  }
  return parent;
}

}  // namespace

Volume threshold(const Volume& volume, double lo, double hi) {
  return mask_where(volume, [lo, hi](double v) { return v >= lo && v <= hi; });
}

std::int64_t count_nonzero(const Volume& volume) {
  return std::visit(
      [](const auto& v) {
        return static_cast<std::int64_t>(
            std::count_if(v.begin(), v.end(), [](auto x) { return x != 0; }));
      },
      volume.storage());
}

Result<Volume> region_grow(const Volume& volume, const std::vector<VoxelIndex>& seeds, double lo,
                           double hi) {
  const Dims& d = volume.dims();
  for (const VoxelIndex& s : seeds) {
    for (std::size_t a = 0; a < 3; ++a) {
      if (s[a] < 0 || s[a] >= d[a]) {
        return make_error(ErrorCode::invalid_input, "region-growing seed (" + std::to_string(s[0]) +
                                                        ", " + std::to_string(s[1]) + ", " +
                                                        std::to_string(s[2]) +
                                                        ") lies outside the volume");
      }
    }
  }
  Volume mask(volume.geometry(), VoxelType::u8, ValueUnit::label);
  auto& out = mask.data<std::uint8_t>();
  std::visit(
      [&](const auto& v) {
        auto in_range = [&](std::size_t n) {
          const double x = static_cast<double>(v[n]);
          return x >= lo && x <= hi;
        };
        std::vector<VoxelIndex> stack;
        for (const VoxelIndex& s : seeds) {
          const std::size_t n = volume.linear_index(s[0], s[1], s[2]);
          if (out[n] == 0 && in_range(n)) {
            out[n] = 1;
            stack.push_back(s);
          }
        }
        constexpr int steps[6][3] = {{1, 0, 0},  {-1, 0, 0}, {0, 1, 0},
                                     {0, -1, 0}, {0, 0, 1},  {0, 0, -1}};
        while (!stack.empty()) {
          const VoxelIndex p = stack.back();
          stack.pop_back();
          for (const auto& step : steps) {
            const VoxelIndex q{p[0] + step[0], p[1] + step[1], p[2] + step[2]};
            if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= d[0] || q[1] >= d[1] || q[2] >= d[2])
              continue;
            const std::size_t n = volume.linear_index(q[0], q[1], q[2]);
            if (out[n] != 0 || !in_range(n)) continue;
            out[n] = 1;
            stack.push_back(q);
          }
        }
      },
      volume.storage());
  return mask;
}

Result<Components> connected_components(const Volume& mask) {
  const std::vector<std::int64_t> root = component_roots(mask);
  // Roots in storage order, then ranked by size.
  std::vector<std::int64_t> size(root.size() > 0 ? root.size() : 0, 0);
  std::vector<std::int64_t> roots;
  for (std::size_t v = 0; v < root.size(); ++v) {
    if (root[v] < 0) continue;
    if (root[v] == static_cast<std::int64_t>(v)) roots.push_back(root[v]);
    ++size[static_cast<std::size_t>(root[v])];
  }
  if (roots.size() > 65535) {
    return make_error(ErrorCode::invalid_input,
                      "mask has " + std::to_string(roots.size()) +
                          " connected components, more than 65535 labels: open the mask "
                          "or threshold more tightly first");
  }
  std::stable_sort(roots.begin(), roots.end(), [&size](std::int64_t a, std::int64_t b) {
    return size[static_cast<std::size_t>(a)] > size[static_cast<std::size_t>(b)];
  });
  std::vector<std::uint16_t> label_of_root(root.size(), 0);
  Components c{Volume(mask.geometry(), VoxelType::u16, ValueUnit::label), {}};
  for (std::size_t r = 0; r < roots.size(); ++r) {
    label_of_root[static_cast<std::size_t>(roots[r])] = static_cast<std::uint16_t>(r + 1);
    c.sizes.push_back(size[static_cast<std::size_t>(roots[r])]);
  }
  auto& labels = c.labels.data<std::uint16_t>();
  for (std::size_t v = 0; v < root.size(); ++v) {
    if (root[v] >= 0) labels[v] = label_of_root[static_cast<std::size_t>(root[v])];
  }
  return c;
}

Volume keep_largest_component(const Volume& mask) {
  const std::vector<std::int64_t> root = component_roots(mask);
  std::vector<std::int64_t> size(root.size(), 0);
  std::int64_t best = -1;
  for (std::int64_t r : root) {
    if (r < 0) continue;
    ++size[static_cast<std::size_t>(r)];
  }
  for (std::size_t v = 0; v < size.size(); ++v) {
    if (size[v] > 0 && (best < 0 || size[v] > size[static_cast<std::size_t>(best)]))
      best = static_cast<std::int64_t>(v);
  }
  Volume out(mask.geometry(), VoxelType::u8, ValueUnit::label);
  auto& m = out.data<std::uint8_t>();
  for (std::size_t v = 0; v < root.size(); ++v) m[v] = (best >= 0 && root[v] == best) ? 1 : 0;
  return out;
}

}  // namespace medvision::imaging
