// The solver is deterministic: the same model, state and inputs give the
// same state bit for bit, run twice, replayed from a copied snapshot, or
// spread over one or two threads.

#include <gtest/gtest.h>

#include <cstring>

#include "xpbd_test_support.h"

namespace medvision::sim {
namespace {

// A 6 x 6 x 6 block on a table with an instrument pressing into it.
struct Scene {
  TissueModel model = make_tet_block(6, 6, 6, Vec3(0.06, 0.06, 0.06), tissue_test::kLiver, 1000);
  StepInputs inputs;
  Scene() {
    attach_particles(
        model, [](const Vec3& p) { return p.x() == 0; }, 1e-4);
    inputs.planes.push_back(PlaneCollider{});
    CapsuleCollider shaft;
    shaft.a = Vec3(0.03, -0.02, 0.06);
    shaft.b = Vec3(0.03, 0.08, 0.06);
    shaft.velocity_a = shaft.velocity_b = Vec3(0, 0.01, -0.02);
    inputs.capsules.push_back(shaft);
  }
};

struct RunResult {
  std::uint64_t hash = 0;
  StepOutputs outputs;
};

RunResult run_scene(const Scene& scene, int threads, int steps, TissueState state) {
  SolverSettings settings;
  settings.threads = threads;
  settings.constraints_per_task = 8;  // small tasks, so two threads really share every colour
  XpbdSolver solver(settings);
  RunResult r;
  for (int i = 0; i < steps; ++i) r.outputs = solver.step(scene.model, state, 0.01, scene.inputs);
  r.hash = state_hash(state);
  return r;
}

bool same_bits(const Vec3& a, const Vec3& b) {
  return std::memcmp(a.data(), b.data(), sizeof(Real) * 3) == 0;
}

TEST(XpbdDeterminism, TheSameInputsGiveTheSameState) {
  const Scene scene;
  const TissueState start = initial_state(scene.model);
  EXPECT_EQ(run_scene(scene, 1, 30, start).hash, run_scene(scene, 1, 30, start).hash);
}

TEST(XpbdDeterminism, OneAndTwoThreadsGiveBitIdenticalStatesAndForces) {
  const Scene scene;
  int largest_colour = 0;
  const auto& offsets = scene.model.tets.colouring.offsets;
  for (std::size_t c = 0; c + 1 < offsets.size(); ++c)
    largest_colour = std::max(largest_colour, offsets[c + 1] - offsets[c]);
  ASSERT_GT(largest_colour, 4 * 8) << "colours big enough to be split between threads";

  const TissueState start = initial_state(scene.model);
  const RunResult one = run_scene(scene, 1, 30, start);
  const RunResult two = run_scene(scene, 2, 30, start);
  EXPECT_EQ(one.hash, two.hash);
  ASSERT_EQ(one.outputs.capsules.size(), 1u);
  EXPECT_GT(one.outputs.capsules[0].contacts, 0) << "the instrument is in contact";
  EXPECT_TRUE(same_bits(one.outputs.capsules[0].force_N, two.outputs.capsules[0].force_N));
  EXPECT_TRUE(same_bits(one.outputs.capsules[0].torque_N_m, two.outputs.capsules[0].torque_N_m));
  EXPECT_TRUE(same_bits(one.outputs.planes[0].force_N, two.outputs.planes[0].force_N));
  std::printf("threads 1 and 2 after 30 steps: %016llx %016llx\n",
              static_cast<unsigned long long>(one.hash), static_cast<unsigned long long>(two.hash));
}

TEST(XpbdDeterminism, ACopiedStateReplaysIdentically) {
  const Scene scene;
  SolverSettings settings;
  XpbdSolver solver(settings);
  TissueState state = initial_state(scene.model);
  for (int i = 0; i < 10; ++i) solver.step(scene.model, state, 0.01, scene.inputs);
  const TissueState snapshot = state;
  for (int i = 0; i < 20; ++i) solver.step(scene.model, state, 0.01, scene.inputs);
  TissueState replay = snapshot;
  for (int i = 0; i < 20; ++i) solver.step(scene.model, replay, 0.01, scene.inputs);
  EXPECT_EQ(state_hash(replay), state_hash(state));
  EXPECT_NE(state_hash(snapshot), state_hash(state));
}

}  // namespace
}  // namespace medvision::sim
