#include "sim/xpbd_solver.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>

#include "sim/xpbd_stages.h"

namespace medvision::sim {

struct XpbdSolver::Workspace {
  explicit Workspace(const SolverSettings& s)
      : threads(std::max(1, s.threads)),
        grain(static_cast<std::size_t>(std::max(1, s.constraints_per_task))) {
    if (threads > 1) arena = std::make_unique<tbb::task_arena>(threads);
  }
  int threads;
  std::size_t grain;
  std::unique_ptr<tbb::task_arena> arena;
  PhaseBoard board;
  ContactTotals contacts;
  std::vector<Real> tet_blocks;  // see project_tets
};

XpbdSolver::XpbdSolver(const SolverSettings& settings)
    : settings_(settings), work_(std::make_unique<Workspace>(settings)) {}

XpbdSolver::~XpbdSolver() = default;

namespace {

int substeps_of(const SolverSettings& s) { return std::max(1, s.substeps); }

// Every phase a step can issue: predict, contacts and velocities, plus one
// per colour of each constraint kind, in every substep.
std::size_t phases_per_step(const TissueModel& m, int substeps) {
  const int colours = m.tets.colouring.colours() + m.distances.colouring.colours() +
                      m.bending.colouring.colours() + m.attachments.colouring.colours();
  return static_cast<std::size_t>(substeps) * static_cast<std::size_t>(3 + colours);
}

// Sums the per-chunk impulses in chunk order and turns them into mean forces.
void report_reactions(const ContactTotals& totals, Real dt, std::vector<ColliderReaction>& out,
                      std::size_t first) {
  const std::size_t chunk_count =
      totals.colliders == 0 ? 0 : totals.impulse.size() / totals.colliders;
  for (std::size_t k = 0; k < out.size(); ++k) {
    ColliderReaction r;
    for (std::size_t c = 0; c < chunk_count; ++c) {
      const std::size_t at = c * totals.colliders + first + k;
      r.force_N += totals.impulse[at];
      r.torque_N_m += totals.angular_impulse[at];
      r.contacts += totals.contacts[at];
    }
    r.force_N /= dt;
    r.torque_N_m /= dt;
    out[k] = r;
  }
}

// Macklin et al. 2019, Algorithm 1, with one iteration per substep.
void run_substeps(const TissueModel& model, TissueState& state, Real dt, const StepInputs& inputs,
                  const SolverSettings& settings, ContactTotals& contacts, Real* tet_blocks,
                  Phases& phases) {
  const int n = substeps_of(settings);
  const Real h = dt / n;
  for (int s = 0; s < n; ++s) {
    predict(model, state, h, settings.gravity, phases);
    project_tets(model, state, h, settings.tet_projection, s == 0, tet_blocks, phases);
    project_distances(model, state, h, phases);
    project_bending(model, state, h, phases);
    project_attachments(model, state, h, phases);
    project_contacts(model, state, h, h * (s + 1), inputs, contacts, phases);
    update_velocities(model, state, h, settings.damping_per_s, phases);
  }
}

// Every thread of the arena walks the same phases (see xpbd_parallel.h).
template <class Work>
void run_on_threads(tbb::task_arena& arena, PhaseBoard& board, int threads, std::size_t grain,
                    std::size_t phases, const Work& work) {
  const auto n = static_cast<std::size_t>(threads);
  board.reset(phases, n);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<std::size_t>(0, n, 1),
        [&](const tbb::blocked_range<std::size_t>& r) {
          for (std::size_t t = r.begin(); t < r.end(); ++t) {
            Phases walker(&board, t, grain);
            work(walker);
          }
        },
        tbb::static_partitioner{});
  });
}

}  // namespace

const StepOutputs& XpbdSolver::step(const TissueModel& model, TissueState& state, Real dt,
                                    const StepInputs& inputs) {
  Workspace& w = *work_;
  w.contacts.reset(model.particles(),
                   inputs.planes.size() + inputs.spheres.size() + inputs.capsules.size());
  w.tet_blocks.resize(6 * model.tets.size());
  auto substeps = [&](Phases& phases) {
    run_substeps(model, state, dt, inputs, settings_, w.contacts, w.tet_blocks.data(), phases);
  };
  if (w.arena) {
    run_on_threads(*w.arena, w.board, w.threads, w.grain,
                   phases_per_step(model, substeps_of(settings_)), substeps);
  } else {
    Phases serial(nullptr, 0, w.grain);
    substeps(serial);
  }
  state.time_s += dt;
  ++state.steps;

  outputs_.planes.resize(inputs.planes.size());
  outputs_.spheres.resize(inputs.spheres.size());
  outputs_.capsules.resize(inputs.capsules.size());
  report_reactions(w.contacts, dt, outputs_.planes, 0);
  report_reactions(w.contacts, dt, outputs_.spheres, inputs.planes.size());
  report_reactions(w.contacts, dt, outputs_.capsules, inputs.planes.size() + inputs.spheres.size());
  measure_deformation(model, state, outputs_);
  return outputs_;
}

}  // namespace medvision::sim
