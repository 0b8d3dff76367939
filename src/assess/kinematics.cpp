#include "assess/kinematics.h"

#include <algorithm>
#include <cmath>

namespace medvision::assess {

double path_length(std::span<const PathSample> path) {
  double total = 0;
  for (std::size_t i = 1; i < path.size(); ++i) total += (path[i].tip - path[i - 1].tip).norm();
  return total;
}

double depth_path_length(std::span<const PathSample> path) {
  double total = 0;
  for (std::size_t i = 1; i < path.size(); ++i)
    total += std::abs((path[i].tip - path[i - 1].tip).dot(path[i - 1].shaft));
  return total;
}

double economy_of_motion(std::span<const PathSample> path,
                         std::span<const Eigen::Vector3d> waypoints) {
  const double travelled = path_length(path);
  if (travelled <= 0) return 0;
  double needed = 0;
  for (std::size_t i = 1; i < waypoints.size(); ++i)
    needed += (waypoints[i] - waypoints[i - 1]).norm();
  return std::min(1.0, needed / travelled);
}

double idle_time(std::span<const PathSample> path, double speed_m_per_s, double min_duration_s) {
  double idle = 0, run = 0;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const double dt = path[i].t_s - path[i - 1].t_s;
    if (dt <= 0) continue;
    const double speed = (path[i].tip - path[i - 1].tip).norm() / dt;
    if (speed < speed_m_per_s) {
      run += dt;
    } else {
      if (run >= min_duration_s) idle += run;
      run = 0;
    }
  }
  if (run >= min_duration_s) idle += run;
  return idle;
}

double dwell_time(std::span<const PathSample> path, double radius_m, double min_duration_s) {
  double dwell = 0;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t j = i;
    while (j + 1 < path.size() && (path[j + 1].tip - path[i].tip).norm() <= radius_m) ++j;
    const double stretch = path[j].t_s - path[i].t_s;
    if (stretch >= min_duration_s) dwell += stretch;
    i = j + 1;
  }
  return dwell;
}

double log_dimensionless_jerk(std::span<const PathSample> path) {
  const std::size_t n = path.size();
  if (n < 5) return 0;
  const double duration = path.back().t_s - path.front().t_s;
  if (duration <= 0) return 0;
  const double dt = duration / static_cast<double>(n - 1);
  double v_peak = 0;
  for (std::size_t i = 1; i < n; ++i)
    v_peak = std::max(v_peak, (path[i].tip - path[i - 1].tip).norm() / dt);
  if (v_peak <= 0) return 0;
  // Third differences: the jerk between samples i-1 .. i+2.
  double jerk_squared = 0;
  for (std::size_t i = 1; i + 2 < n; ++i) {
    const Eigen::Vector3d j =
        (path[i + 2].tip - 3 * path[i + 1].tip + 3 * path[i].tip - path[i - 1].tip) /
        (dt * dt * dt);
    jerk_squared += j.squaredNorm() * dt;
  }
  const double dimensionless = std::pow(duration, 3) / (v_peak * v_peak) * jerk_squared;
  return dimensionless > 0 ? -std::log(dimensionless) : 0;
}

std::vector<std::pair<double, double>> speed_profile(std::span<const PathSample> path) {
  std::vector<std::pair<double, double>> out;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const double dt = path[i].t_s - path[i - 1].t_s;
    if (dt <= 0) continue;
    out.emplace_back(0.5 * (path[i].t_s + path[i - 1].t_s),
                     (path[i].tip - path[i - 1].tip).norm() / dt);
  }
  return out;
}

double bimanual_dexterity(std::span<const PathSample> left, std::span<const PathSample> right) {
  const auto a = speed_profile(left), b = speed_profile(right);
  const std::size_t n = std::min(a.size(), b.size());
  if (n < 2) return 0;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += a[i].second;
    mb += b[i].second;
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double da = a[i].second - ma, db = b[i].second - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa <= 0 || sbb <= 0) return 0;
  return sab / std::sqrt(saa * sbb);
}

}  // namespace medvision::assess
