// Import of a 512x512x400 CT series, end to end, to what the XR client loads:
// the de-identified volume, its 256^3 ray-marching texture and a bone surface
// as .glb. Issue 5's goal is under 5 s. Prints each stage's wall time, the
// total and its ratio to the goal; never a pass/fail.
//
// Usage: imaging_import_bench [SERIES_DIR] [--threshold HU]
// Without SERIES_DIR the series is generated once with pydicom
// (bench/imaging_ct_series.py) under build/bench-data/ and reused.

#include <tbb/info.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>

#include "imaging/gltf_export.h"
#include "imaging/isosurface.h"
#include "imaging/mesh_decimation.h"
#include "imaging/mesh_smoothing.h"
#include "imaging/surface_model.h"
#include "imaging/volume_source.h"
#include "imaging/volume_texture.h"
#include "imaging/window.h"

namespace {

namespace fs = std::filesystem;
using namespace medvision;
using Clock = std::chrono::steady_clock;

constexpr double kGoalSeconds = 5.0;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU seconds of this process, all threads: on a loaded machine wall time
// grows while this does not, and cpu/wall shows how many cores were ours.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

bool generate_series(const fs::path& dir) {
  const fs::path script = fs::path(MEDVISION_SOURCE_DIR) / "bench/imaging_ct_series.py";
  const std::string command =
      "/usr/bin/python3 '" + script.string() + "' '" + dir.string() + "' >/dev/null";
  std::fprintf(stderr, "preparing the series in %s (pydicom; cached after the first run)\n",
               dir.c_str());
  return std::system(command.c_str()) == 0;
}

struct Stage {
  const char* name;
  double seconds;
  double cpu;
};

void print_stage(const Stage& s, double total) {
  std::printf("  %-32s %6.2f s wall %5.1f%%  %6.2f s cpu\n", s.name, s.seconds,
              100 * s.seconds / total, s.cpu);
}

}  // namespace

int main(int argc, char** argv) {
  fs::path series_dir = fs::path(MEDVISION_SOURCE_DIR) / "build/bench-data/ct-512x512x400";
  double threshold = 300;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--threshold" && a + 1 < argc) {
      threshold = std::atof(argv[++a]);
    } else {
      series_dir = arg;
    }
  }
  if (!fs::exists(series_dir / "series.json")) {
    if (!generate_series(series_dir)) {
      std::fprintf(
          stderr,
          "could not generate the series (needs /usr/bin/python3 with pydicom and numpy)\n");
      return 1;
    }
  }
  std::random_device rd;
  const fs::path out = fs::temp_directory_path() / ("mv-import-bench-" + std::to_string(rd()));
  fs::create_directories(out);

  const auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  auto t = Clock::now();
  double c = cpu_seconds();
  const auto cpu_since = [&c] {
    const double now = cpu_seconds();
    const double spent = now - c;
    c = now;
    return spent;
  };
  // 1. Scan, read and de-identify, as `medvision import` does by default.
  imaging::VolumeSourceOptions source_options;
  source_options.deidentify_with.emplace("import-bench-secret");
  auto source = imaging::load_volume_source(series_dir, {}, source_options);
  if (!source) {
    std::fprintf(stderr, "import failed: %s\n", source.error().message.c_str());
    return 1;
  }
  const imaging::Volume& volume = imaging::largest_volume(*source).volume;
  const double read_s = seconds_since(t);
  const double read_c = cpu_since();

  // 2. The ray marcher's texture, CT wide window (-1000..+2000 HU).
  t = Clock::now();
  imaging::VolumeTextureOptions texture_options;
  texture_options.window = imaging::WindowLevel{"ct_wide", 3001, 500.5};
  auto texture = imaging::make_volume_texture(volume, texture_options);
  if (!texture || !imaging::write_volume_texture(*texture, out, "volume")) {
    std::fprintf(stderr, "volume texture failed\n");
    return 1;
  }
  const double texture_s = seconds_since(t);
  const double texture_c = cpu_since();

  // 3. The bone surface, with `medvision model`'s defaults (surface_model.h).
  const imaging::SurfaceModelOptions model;
  t = Clock::now();
  imaging::SurfaceMesh mesh = imaging::extract_isosurface(volume, threshold);
  const double iso_s = seconds_since(t);
  const double iso_c = cpu_since();
  const std::size_t extracted = mesh.triangle_count();
  t = Clock::now();
  imaging::TaubinOptions taubin;
  taubin.iterations = model.smooth_iterations;
  imaging::smooth_taubin(mesh, taubin);
  const double smooth_s = seconds_since(t);
  const double smooth_c = cpu_since();
  t = Clock::now();
  auto reduced = imaging::decimate(mesh, imaging::DecimationOptions{model.decimate_ratio});
  if (!reduced) {
    std::fprintf(stderr, "decimation failed: %s\n", reduced.error().message.c_str());
    return 1;
  }
  mesh = std::move(*reduced);
  imaging::compute_normals(mesh);
  mesh.name = "bone";
  const double decimate_s = seconds_since(t);
  const double decimate_c = cpu_since();

  // 4. The .glb.
  t = Clock::now();
  const fs::path glb = out / "bone.glb";
  if (!imaging::write_glb(glb, {mesh})) {
    std::fprintf(stderr, "glb export failed\n");
    return 1;
  }
  const double glb_s = seconds_since(t);
  const double glb_c = cpu_since();
  const double total = seconds_since(start);
  const double total_cpu = cpu_seconds() - cpu_start;

  const auto& d = volume.dims();
  std::printf(
      "import of a %lldx%lldx%lld CT series (%zu files) to .glb + volume texture, %d threads\n",
      static_cast<long long>(d[0]), static_cast<long long>(d[1]), static_cast<long long>(d[2]),
      source->files_examined, tbb::info::default_concurrency());
  for (const Stage& s :
       {Stage{"scan + read + de-identify", read_s, read_c},
        Stage{"volume texture 256^3 (write)", texture_s, texture_c},
        Stage{"isosurface", iso_s, iso_c}, Stage{"Taubin smoothing", smooth_s, smooth_c},
        Stage{"decimation + normals", decimate_s, decimate_c},
        Stage{"glb export (write)", glb_s, glb_c}})
    print_stage(s, total);
  std::printf("  bone at %g HU: %zu triangles extracted, %zu in the model (%.2f MB .glb)\n",
              threshold, extracted, mesh.triangle_count(),
              static_cast<double>(fs::file_size(glb)) / 1e6);
  std::printf("total %.2f s wall (%.2f s cpu); goal %.1f s; ratio total/goal %.2f\n", total,
              total_cpu, kGoalSeconds, total / kGoalSeconds);
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) > 0)
    std::printf("load average %.2f (other processes share these cores)\n", load[0]);
  std::error_code ec;
  fs::remove_all(out, ec);
  return 0;
}
