#pragma once
// A Session ties a module (the sandbox, a scenario of emergency or
// laparoscopy ...), its participants and an append-only event log, and
// advances in fixed steps. It owns no world of its own: what clients see is
// the module's scene. It knows nothing of sockets or storage: the server
// feeds it inputs and drains its new events to the store.
//
// Determinism: a session built from the same seed and fed the same input
// events at the same ticks reaches the same state, bit for bit (replay()).

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "session/event.h"
#include "session/input.h"
#include "session/session_module.h"
#include "session/world.h"

namespace medvision {

struct SessionSetup {
  // The module's kind ("sandbox", "emergency/acls-vf"); empty: a bare
  // session with no module (the engine's own tests).
  std::string kind;
  std::uint64_t seed = 1;
  double tick_rate_hz = 1000.0;
};

struct Participant {
  int number = 0;  // 1, 2, 3 ... in order of joining, never reused
  std::string user_id;
  std::string username;
  std::string role;
  bool present = true;
  InputFrame input;                   // the latest applied input
  std::uint32_t last_client_seq = 0;  // seq of the latest applied input frame
};

class Session {
 public:
  // `wall_clock` stamps events with wall time; the engine never reads it.
  // `module` (may be null) is the clinical module for setup.kind.
  Session(SessionSetup setup, std::function<std::int64_t()> wall_clock,
          std::unique_ptr<SessionModule> module = nullptr);

  int add_participant(const std::string& user_id, const std::string& username,
                      const std::string& role);
  void remove_participant(int number);

  // Queued and applied at the next tick boundary, in the order submitted.
  void submit_input(int number, const InputFrame& input, std::uint32_t client_seq);

  // A participant's module action ("shock", "give_drug" ...), applied at the
  // next tick boundary in submission order; logged as `action`, and as
  // `action_refused` with the module's reason when it cannot be taken.
  void act(int number, const std::string& name, const std::string& params_json);
  // The driver changed: from the next tick boundary the module's instruments
  // follow `number`; logged as `driver_changed`.
  void hand_over(int number);
  // An instructor's control (pause, resume, cue), applied at the next tick boundary.
  void instruct(InstructorControl control, const std::string& text, const std::string& by);

  // An event from outside the engine (an instructor's observation) at the current tick.
  void record(const std::string& type, const std::string& payload_json);

  // One fixed step: apply queued inputs, then step the module.
  void step();
  // Ends the log with `session_ended`; no step is taken afterwards.
  void end(const std::string& reason);
  // Ends a module's session the one way: the module scores `log` (the whole
  // session so far), the `assessment` event is appended, then `end`.
  void finish(std::span<const Event> log, const std::string& reason);

  Tick tick() const { return tick_; }
  bool ended() const { return ended_; }
  // The module has reached its end (its scenario ended); the host ends the session.
  bool module_finished() const { return module_ && module_->finished(); }
  const SessionModule* module() const { return module_.get(); }
  const SessionSetup& setup() const { return setup_; }
  // What clients are shown: the module's scene (the sandbox's bodies, a
  // laparoscopy box with instruments and pegs); empty when it shows none.
  const WorldModel& world_model() const;
  const WorldState& world_state() const;
  const std::vector<Participant>& participants() const { return participants_; }
  const Participant* participant(int number) const;

  // FNV-1a over the tick and every body's state: equal hashes mean equal states.
  std::uint64_t state_hash() const;

  // Events appended since the last call, in log order.
  std::vector<Event> drain_events();
  std::uint64_t last_seq() const { return next_seq_ - 1; }

  // Rebuilds a session from its log: participants join, inputs apply and
  // observations are recorded at the logged ticks. Derived events (a
  // module's grab or release) are produced again, not copied from the log.
  // Modules are made again with `factory` (needed unless setup.kind is empty).
  static std::optional<Session> replay(const SessionSetup& setup, const std::vector<Event>& log,
                                       std::string* error = nullptr,
                                       const ModuleFactory& factory = nullptr);

 private:
  struct QueuedInput {
    int number;
    InputFrame input;
    std::uint32_t client_seq;
  };
  struct QueuedAction {
    int number;
    std::string name;
    std::string params_json;
  };
  struct QueuedControl {
    InstructorControl control;
    std::string text;
    std::string by;
  };
  struct QueuedHandOver {
    int number;
  };
  using Queued = std::variant<QueuedInput, QueuedAction, QueuedControl, QueuedHandOver>;

  void append(std::string_view type, std::string payload);
  EventSink sink();
  void apply_queue();
  void apply_input(const QueuedInput& queued);
  void apply_action(const QueuedAction& queued);
  void apply_control(const QueuedControl& queued);
  bool own_scene() const { return module_ && module_->scene() != nullptr; }

  SessionSetup setup_;
  std::function<std::int64_t()> wall_clock_;
  std::vector<Participant> participants_;
  std::vector<Queued> queue_;
  std::unique_ptr<SessionModule> module_;
  std::vector<Event> pending_;
  Tick tick_ = 0;
  std::uint64_t next_seq_ = 1;
  bool ended_ = false;
};

// JSON codec of input frames inside `input` events (exact for f32 values).
std::string input_to_json(int number, const InputFrame& input, std::uint32_t client_seq);
bool input_from_json(const std::string& json, int* number, InputFrame* input,
                     std::uint32_t* client_seq);
// A pose as that codec writes it: [x, y, z, qx, qy, qz, qw], then `buttons`
// when given (events that carry poses use it too: the sandbox's `release`).
nlohmann::json pose_array(const Pose& pose, std::optional<std::uint32_t> buttons = std::nullopt);
// One pose of that codec (and of traces' `input` lines): [x, y, z, qx, qy,
// qz, qw], then the buttons when `buttons` is given. The quaternion is taken
// as written. The error says what is wrong with the array.
Status pose_from_json(const nlohmann::json& array, Pose* pose, std::uint32_t* buttons);

}  // namespace medvision
