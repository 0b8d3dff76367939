// Isosurface extraction of a 256^3 volume: our flying-edges style extractor
// (src/imaging/isosurface.h) against VTK's vtkFlyingEdges3D on the same
// volume and iso value, measured in the same run.
//
// Fields (float32, 1 mm voxels, surfaces clear of the border):
//  - gyroid: a gyroid of 32 mm period cut by a ball of radius 120 mm, a
//    dense, CT-bone-like surface (millions of triangles);
//  - sphere: a ball of radius 100 mm (signed distance), whose exact area
//    4 pi r^2 gives the absolute error.
//
// The VTK side runs bench/imaging_isosurface_vtk.py under Debian's Python
// (/usr/bin/python3 with python3-vtk9, TBB SMP backend) on the raw volume
// this program writes to a temporary file, with the same thread count;
// it reports the median of 5 filter.Update() calls (loading excluded).
//
// Counters: `ratio_vs_vtk` = our median seconds / VTK's median (below 1 is
// faster), `area_diff_pct` = (our area - VTK's) / VTK's, in percent,
// `cpu_ratio_vs_vtk` the same with process CPU seconds (steadier when other
// work shares the cores; wall ratios on a loaded 2-core machine are noisy),
// `area_error_pct` = our area against 4 pi r^2 (sphere only).

#include <benchmark/benchmark.h>
#include <tbb/task_arena.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <string>
#include <vector>

#include "imaging/isosurface.h"

namespace medvision::imaging {
namespace {

constexpr std::int64_t kN = 256;

struct Field {
  std::string name;
  Volume volume;
  double iso = 0;
  double exact_area = 0;  // 0 when unknown
};

template <class F>
Volume sample(F&& f) {
  Geometry g;
  g.dims = {kN, kN, kN};
  Volume v(g, VoxelType::f32, ValueUnit::intensity);
  auto& d = v.data<float>();
  std::size_t n = 0;
  for (std::int64_t k = 0; k < kN; ++k)
    for (std::int64_t j = 0; j < kN; ++j)
      for (std::int64_t i = 0; i < kN; ++i) {
        d[n++] =
            static_cast<float>(f(static_cast<double>(i) - 127.5, static_cast<double>(j) - 127.5,
                                 static_cast<double>(k) - 127.5));
      }
  return v;
}

const Field& field(int which) {
  static const std::vector<Field> fields = [] {
    std::vector<Field> f;
    const double w = 2 * std::numbers::pi / 32;  // 32 mm period
    f.push_back({"gyroid", sample([w](double x, double y, double z) {
                   const double gyroid = std::sin(w * x) * std::cos(w * y) +
                                         std::sin(w * y) * std::cos(w * z) +
                                         std::sin(w * z) * std::cos(w * x);
                   const double ball = (120 - std::sqrt(x * x + y * y + z * z)) / 10;
                   return std::min(gyroid, ball);
                 }),
                 0.0, 0.0});
    f.push_back({"sphere", sample([](double x, double y, double z) {
                   return 100 - std::sqrt(x * x + y * y + z * z);
                 }),
                 0.0, 4 * std::numbers::pi * 100 * 100});
    return f;
  }();
  return fields[static_cast<std::size_t>(which)];
}

struct VtkResult {
  bool ok = false;
  double seconds = 0;
  double cpu_seconds = 0;
  double area = 0;
  double triangles = 0;
  std::string message;
};

VtkResult run_vtk(const Field& f, int threads) {
  VtkResult r;
  const std::filesystem::path raw =
      std::filesystem::temp_directory_path() /
      ("medvision_iso_" + std::to_string(::getpid()) + "_" + f.name + ".raw");
  {
    const auto& d = f.volume.data<float>();
    std::ofstream out(raw, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(d.data()),
              static_cast<std::streamsize>(d.size() * sizeof(float)));
  }
  const std::string command =
      "/usr/bin/python3 " MEDVISION_SOURCE_DIR "/bench/imaging_isosurface_vtk.py " + raw.string() +
      " 256 256 256 1 1 1 " + std::to_string(f.iso) + " 5 " + std::to_string(threads) + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  if (pipe != nullptr) {
    char chunk[4096];
    while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
    ::pclose(pipe);
  }
  std::filesystem::remove(raw);
  const nlohmann::json j = nlohmann::json::parse(output, nullptr, false);
  if (j.is_discarded() || !j.contains("seconds_median")) {
    r.message = "VTK reference failed: " + output;
    return r;
  }
  r.ok = true;
  r.seconds = j["seconds_median"];
  r.cpu_seconds = j["cpu_seconds_median"];
  r.area = j["area"];
  r.triangles = j["triangles"];
  return r;
}

const VtkResult& vtk_reference(int which, int threads) {
  static std::map<std::pair<int, int>, VtkResult> cache;
  const auto key = std::make_pair(which, threads);
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, run_vtk(field(which), threads)).first;
  return it->second;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// CPU time of the whole process (all threads), seconds.
double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void BM_Isosurface(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const int threads = static_cast<int>(state.range(1));
  const Field& f = field(which);
  const VtkResult& vtk = vtk_reference(which, threads);
  state.SetLabel(f.name);
  tbb::task_arena arena(threads);
  std::vector<double> seconds, cpu_seconds;
  SurfaceMesh mesh;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = process_cpu_seconds();
    arena.execute([&] { mesh = extract_isosurface(f.volume, f.iso, IsosurfaceOptions{false}); });
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    cpu_seconds.push_back(process_cpu_seconds() - cpu_start);
    seconds.push_back(s);
    state.SetIterationTime(s);
    benchmark::DoNotOptimize(mesh.indices.data());
  }
  const double median = median_of(seconds);
  const double cpu_median = median_of(cpu_seconds);
  const double area = surface_area(mesh);
  state.counters["threads"] = threads;
  state.counters["triangles"] = static_cast<double>(mesh.triangle_count());
  state.counters["ours_s"] = median;
  if (f.exact_area > 0)
    state.counters["area_error_pct"] = 100 * (area - f.exact_area) / f.exact_area;
  if (!vtk.ok) {
    state.SkipWithError(vtk.message.c_str());
    return;
  }
  state.counters["vtk_s"] = vtk.seconds;
  state.counters["vtk_triangles"] = vtk.triangles;
  state.counters["ratio_vs_vtk"] = median / vtk.seconds;
  state.counters["cpu_ratio_vs_vtk"] = cpu_median / vtk.cpu_seconds;
  state.counters["area_diff_pct"] = 100 * (area - vtk.area) / vtk.area;
}

BENCHMARK(BM_Isosurface)
    ->ArgNames({"field", "threads"})
    ->Args({0, 1})
    ->Args({0, 2})
    ->Args({1, 1})
    ->Args({1, 2})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0);

}  // namespace
}  // namespace medvision::imaging

BENCHMARK_MAIN();
