#pragma once
// Motion metrics of a laparoscopic instrument from its sampled tip path:
// the objective measures that separate experts from novices in box and
// virtual-reality trainers (Oropesa et al. 2011, "Methods and tools for
// objective assessment of psychomotor skills in laparoscopic surgery",
// J Surg Res 171:e81; Hofstad et al. 2013, Surg Endosc 27:854).

#include <Eigen/Core>
#include <span>
#include <vector>

namespace medvision::assess {

struct PathSample {
  double t_s = 0;
  Eigen::Vector3d tip = Eigen::Vector3d::Zero();     // metres
  Eigen::Vector3d shaft = Eigen::Vector3d::UnitZ();  // unit vector along the shaft, towards the tip
};

// Total distance the tip travelled (m).
double path_length(std::span<const PathSample> path);

// Distance travelled along the shaft, in and out of the port (m): how much
// depth the trainee had to correct ("depth perception").
double depth_path_length(std::span<const PathSample> path);

// The straight-line distances between `waypoints` (where the work had to go:
// grasps, releases, cuts) over the path length: 1 is the straightest
// possible, lower is wasted motion.
double economy_of_motion(std::span<const PathSample> path,
                         std::span<const Eigen::Vector3d> waypoints);

// Time (s) spent with the tip slower than `speed_m_per_s` for at least
// `min_duration_s` at a stretch: hesitation.
double idle_time(std::span<const PathSample> path, double speed_m_per_s = 0.005,
                 double min_duration_s = 0.5);

// Time (s) the tip stayed within `radius_m` of where a stretch began, for
// stretches of at least `min_duration_s`: waiting, measured so that hand
// tremor (millimetres at 8-12 Hz, fast but going nowhere) still counts as
// waiting, which a speed threshold would miss.
double dwell_time(std::span<const PathSample> path, double radius_m = 0.005,
                  double min_duration_s = 0.5);

// Log dimensionless jerk (Balasubramanian, Melendez-Calderon, Roby-Brami &
// Burdet 2015, "On the analysis of movement smoothness", J NeuroEng Rehabil
// 12:112): LDLJ = -ln( (t2-t1)^3 / v_peak^2 * integral |d^2 v/dt^2|^2 dt ).
// Higher (closer to zero) is smoother; a minimum-jerk reach scores
// -ln(720 / 1.875^2) = -5.32 whatever its length and duration. Needs
// uniformly sampled positions; derivatives by finite differences.
double log_dimensionless_jerk(std::span<const PathSample> path);

// Pearson correlation of the two instruments' speed profiles, sampled at the
// same times (-1 to 1): both hands working together scores high (Hofstad et
// al. 2013). Zero when either hand never moves.
double bimanual_dexterity(std::span<const PathSample> left, std::span<const PathSample> right);

// Tip speeds (m/s) between consecutive samples, at the midpoints' times.
std::vector<std::pair<double, double>> speed_profile(std::span<const PathSample> path);

}  // namespace medvision::assess
