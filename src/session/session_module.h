#pragma once
// A clinical module inside a session (emergency, laparoscopy, rehab ...): it
// owns its part of the world (patients, scenario run, tissue), receives the
// participants' actions and instructor controls at tick boundaries, and
// writes what happens as events. The Session owns the log and the clock; a
// module only appends through the EventSink it is given.
//
// Modules live in src/modules/<name>; the session knows them only through
// this interface, so the engine folders never depend on a module.

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/event.h"
#include "core/result.h"
#include "session/input.h"
#include "session/world.h"

namespace medvision {

// Appends an event (type, JSON object payload) at the current tick.
using EventSink = std::function<void(std::string_view type, std::string payload_json)>;

struct ModuleAction {
  int participant = 0;
  std::string name;         // "compressions", "shock", "give_drug", "tag" ...
  std::string params_json;  // a JSON object
};

enum class InstructorControl { pause, resume, cue };

// A module's world as clients see it: bodies with shapes, colours and poses
// (session/world.h), in the types keyframes and snapshots carry.
struct ModuleScene {
  WorldModel model;
  WorldState state;
};

// A deformable surface a module shows (tissue, gauze): the client draws its
// triangles. Positions change every step; the triangles change only when the
// surface is cut, and then `topology_version` increases. Live sessions send
// the topology in a keyframe (and again after a cut) and moved vertices,
// quantised to 16 bits inside `bounds`, in snapshots (docs/protocol.md).
struct SceneMesh {
  std::uint32_t id = 0;  // unique among the scene's bodies and meshes
  std::string name;
  std::array<float, 4> colour = {1, 1, 1, 1};  // linear RGBA
  std::uint32_t topology_version = 0;
  std::vector<float> positions;          // x, y, z per vertex; metres, world frame
  std::vector<std::uint32_t> triangles;  // three vertex indices each, counter-clockwise outside
  // The box every vertex stays inside for the mesh's life (quantisation range).
  std::array<float, 3> bounds_min = {0, 0, 0};
  std::array<float, 3> bounds_max = {0, 0, 0};
};

// Contact force on the instruments a participant holds, for controller
// vibration: magnitude in newtons per hand.
struct HandForces {
  float left_N = 0;
  float right_N = 0;
};
// A viewpoint a module offers clients, such as the box trainer's laparoscope:
// a pinhole camera looking along its local -Z with +Y up (the convention of
// WebXR views and three.js cameras). Clients show its image on a screen in the
// room (docs/protocol.md, KEYFRAME).
struct SceneCamera {
  std::uint32_t id = 0;  // unique among the module's cameras
  std::string name;
  Pose pose;  // world frame
  float vertical_fov_rad = 1.0f;
};

const char* to_string(InstructorControl control);

// A module's whole state at a tick boundary, opaque to everything but the
// module that took it (shared sessions seek and reconnect from one).
class ModuleSnapshot {
 public:
  virtual ~ModuleSnapshot() = default;
};

class SessionModule {
 public:
  virtual ~SessionModule() = default;

  // Called once, at tick 0, before the first step: initial events.
  virtual void start(const EventSink& sink) = 0;
  // One session tick. `tick` is the tick being taken.
  virtual void step(Tick tick, const EventSink& sink) = 0;
  // A participant's action, at a tick boundary. An action the module cannot
  // take (unknown, bad parameters, wrong moment) is refused with a reason and
  // changes nothing; the session logs the refusal.
  virtual Status act(const ModuleAction& action, const EventSink& sink) = 0;
  virtual Status instruct(InstructorControl control, const std::string& text,
                          const EventSink& sink) = 0;
  // A participant's controller input, applied at a tick boundary (and again
  // on replay): modules whose hands drive tools take it here.
  virtual void input(int participant, const InputFrame& input, const EventSink& sink) {
    (void)participant;
    (void)input;
    (void)sink;
  }
  // `participant` left the session (their queued inputs were applied first):
  // what they held is let go. Called before `participant_left` is logged.
  virtual void participant_left(int participant, const EventSink& sink) {
    (void)participant;
    (void)sink;
  }
  // From now on `participant` holds the instruments (the session's driver
  // changed, or reconnected under a new number). Modules without instruments
  // ignore it.
  virtual void hand_over(int participant) { (void)participant; }
  // The module's world as clients see it (the sandbox's bodies, the box
  // trainer's pegs); null for a module that shows none (clients draw their
  // room and the module's own view). A module returns the same answer for
  // its whole life.
  virtual const ModuleScene* scene() const { return nullptr; }
  // The module's deformable surfaces, in a stable order; empty for none.
  virtual std::span<const SceneMesh> meshes() const { return {}; }
  // The module's cameras (a laparoscope), in a stable order; empty for none.
  virtual std::span<const SceneCamera> cameras() const { return {}; }
  // Contact forces on the instruments `participant` holds; nothing for a
  // participant who holds none (or a module without instruments).
  virtual std::optional<HandForces> hand_forces(int participant) const {
    (void)participant;
    return std::nullopt;
  }
  // The module's state now, such that restore() and the same calls after it
  // give the same events and state hashes as the module that took it did:
  // replay from a snapshot equals replay from the start. Null when the
  // module cannot take one yet.
  virtual std::unique_ptr<const ModuleSnapshot> snapshot() const { return nullptr; }
  // Puts the module back to a snapshot this kind of module took (a snapshot
  // of another module or scenario is refused and changes nothing).
  virtual Status restore(const ModuleSnapshot& snapshot) {
    (void)snapshot;
    return make_error(ErrorCode::unavailable, "this module cannot be restored from a snapshot");
  }
  virtual bool finished() const = 0;
  // Feeds the module's state to the session's state hash.
  virtual std::uint64_t state_hash() const = 0;
  // Scores a session from its log (the module's own events and the team's
  // actions; `input` events may be left out): the payload of the `assessment`
  // event that reports are projected from (docs/reports.md), as JSON text.
  // A module without an assessment returns nothing.
  virtual std::optional<std::string> assess(std::span<const Event> log) const {
    (void)log;
    return std::nullopt;
  }
};

// Makes the module for a session kind, e.g. "emergency/acls-vf"; used when a
// session is created and again when its log is replayed.
using ModuleFactory = std::function<Result<std::unique_ptr<SessionModule>>(std::string_view kind,
                                                                           std::uint64_t seed)>;

}  // namespace medvision
