#include "sim/bvh.h"

#include <numeric>

namespace medvision::sim {
namespace {

constexpr int kMaxBins = 64;

std::size_t at(int i) { return static_cast<std::size_t>(i); }

}  // namespace

void Bvh::build(std::span<const Aabb> boxes, const BvhBuildOptions& options) {
  const int n = static_cast<int>(boxes.size());
  boxes_.assign(boxes.begin(), boxes.end());
  order_.resize(at(n));
  std::iota(order_.begin(), order_.end(), 0);
  centroids_.resize(at(n));
  for (int i = 0; i < n; ++i) centroids_[at(i)] = boxes_[at(i)].center();
  nodes_.clear();
  tasks_.clear();
  depth_ = 0;
  if (n == 0) return;

  const int max_leaf = std::max(1, options.max_leaf_size);
  nodes_.reserve(at(2 * n - 1));
  nodes_.emplace_back();
  tasks_.push_back({0, 0, n, 0});
  while (!tasks_.empty()) {
    const BuildTask task = tasks_.back();
    tasks_.pop_back();
    depth_ = std::max(depth_, task.depth);
    Aabb box;
    Aabb centroid_bounds;
    for (int k = task.begin; k < task.end; ++k) {
      box.grow(boxes_[at(order_[at(k)])]);
      centroid_bounds.grow(centroids_[at(order_[at(k)])]);
    }
    nodes_[at(task.node)].box = box;
    if (task.end - task.begin <= max_leaf) {
      nodes_[at(task.node)].first = task.begin;
      nodes_[at(task.node)].count = task.end - task.begin;
      continue;
    }
    const int mid = split_range(task.begin, task.end, task.depth, centroid_bounds, options);
    const int left = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    nodes_.emplace_back();
    nodes_[at(task.node)].first = left;
    nodes_[at(task.node)].count = 0;
    // Left is popped first: children follow their parent in the array.
    tasks_.push_back({left + 1, mid, task.end, task.depth + 1});
    tasks_.push_back({left, task.begin, mid, task.depth + 1});
  }
}

int Bvh::split_median(int begin, int end, int axis) {
  const int mid = begin + (end - begin) / 2;
  // Ties in the coordinate go by index, so the split is the same every run.
  std::nth_element(order_.begin() + begin, order_.begin() + mid, order_.begin() + end,
                   [&](int a, int b) {
                     const Real ca = centroids_[at(a)][axis];
                     const Real cb = centroids_[at(b)][axis];
                     return ca < cb || (ca == cb && a < b);
                   });
  return mid;
}

int Bvh::split_range(int begin, int end, int depth, const Aabb& centroid_bounds,
                     const BvhBuildOptions& options) {
  const Vec3 extent = centroid_bounds.extent();
  int longest = 0;
  extent.maxCoeff(&longest);
  if (!(extent[longest] > 0)) return begin + (end - begin) / 2;  // all centroids coincide
  if (options.split == BvhBuildOptions::Split::median || depth >= kSurfaceAreaDepthLimit) {
    return split_median(begin, end, longest);
  }

  // Binned SAH (Wald 2007): cost of a split = area(L) n(L) + area(R) n(R);
  // the traversal cost and the parent's area are the same for every
  // candidate and drop out.
  const int bins = std::clamp(options.bins, 2, kMaxBins);
  const auto bin_of = [&](int primitive, int axis) {
    const Real scale = bins / extent[axis];
    const Real offset = centroids_[at(primitive)][axis] - centroid_bounds.min[axis];
    return std::min(static_cast<int>(offset * scale), bins - 1);
  };
  Real best_cost = std::numeric_limits<Real>::infinity();
  int best_axis = -1;
  int best_bin = -1;
  std::array<Aabb, kMaxBins> bin_box;
  std::array<int, kMaxBins> bin_count;
  std::array<Real, kMaxBins> right_area;
  std::array<int, kMaxBins> right_count;
  for (int axis = 0; axis < 3; ++axis) {
    if (!(extent[axis] > 0)) continue;
    bin_box.fill(Aabb{});
    bin_count.fill(0);
    for (int k = begin; k < end; ++k) {
      const int i = order_[at(k)];
      const int b = bin_of(i, axis);
      bin_box[at(b)].grow(boxes_[at(i)]);
      ++bin_count[at(b)];
    }
    Aabb acc;
    int count = 0;
    for (int b = bins - 1; b >= 1; --b) {
      acc.grow(bin_box[at(b)]);
      count += bin_count[at(b)];
      right_area[at(b)] = acc.surface_area();
      right_count[at(b)] = count;
    }
    acc = Aabb{};
    count = 0;
    for (int b = 0; b + 1 < bins; ++b) {  // split between bin b and b + 1
      acc.grow(bin_box[at(b)]);
      count += bin_count[at(b)];
      if (count == 0 || right_count[at(b + 1)] == 0) continue;
      const Real cost = acc.surface_area() * count + right_area[at(b + 1)] * right_count[at(b + 1)];
      if (cost < best_cost) {
        best_cost = cost;
        best_axis = axis;
        best_bin = b;
      }
    }
  }
  if (best_axis < 0) return split_median(begin, end, longest);
  const auto middle = std::partition(order_.begin() + begin, order_.begin() + end,
                                     [&](int i) { return bin_of(i, best_axis) <= best_bin; });
  return static_cast<int>(middle - order_.begin());
}

void Bvh::refit(std::span<const Aabb> boxes) {
  assert(boxes.size() == boxes_.size());
  std::copy(boxes.begin(), boxes.end(), boxes_.begin());
  // Children come after their parent, so a reverse sweep sees children first.
  for (std::size_t n = nodes_.size(); n-- > 0;) {
    BvhNode& node = nodes_[n];
    Aabb box;
    if (node.leaf()) {
      for (int k = node.first; k < node.first + node.count; ++k)
        box.grow(boxes_[at(order_[at(k)])]);
    } else {
      box = merged(nodes_[at(node.first)].box, nodes_[at(node.first + 1)].box);
    }
    node.box = box;
  }
}

void Bvh::overlaps(const Aabb& box, std::vector<int>& out) const {
  const std::size_t start = out.size();
  for_each_overlap(box, [&](int i) { out.push_back(i); });
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

}  // namespace medvision::sim
