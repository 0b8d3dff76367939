#pragma once
// A running session inside the server: the engine's Session, driven in real
// time by a timer, with its log written to the store and snapshots fanned out
// to the connected clients. SessionHub holds every running session.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "scenario/scenario_def.h"
#include "server/protocol.h"
#include "session/session.h"
#include "store/record_store.h"

namespace medvision {

// What a live session needs of a connected client. One implementation per
// transport (plain or TLS WebSocket).
class SessionClient {
 public:
  virtual ~SessionClient() = default;
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  virtual void close(std::uint16_t code, const std::string& reason) = 0;
  // True while earlier frames are still queued: the snapshot is skipped and
  // the next one carries everything that moved meanwhile.
  virtual bool backlogged() const = 0;
};

struct LiveSessionSettings {
  double tick_rate_hz = 1000.0;
  double snapshot_rate_hz = 90.0;
  // Events kept in memory for late joiners; the assessment and the report at
  // the end read the whole stored log in pages.
  std::size_t event_window = 2000;
  // A session with no connected member this long ends as aborted, with its report.
  std::chrono::seconds idle_timeout{900};
  std::string instance_id;  // recorded as the session's owner
};

// The most recent events a client gets when it joins (docs/protocol.md, EVENTS).
inline constexpr std::size_t kJoinContextEvents = 200;

// What an event's payload hides from members who may not see it: the seed
// of an assessed session, and the variant in `session_started`'s kind (the
// case's hidden diagnosis; docs/emergency.md). Live frames and
// GET /api/sessions/{id}/events both go through it.
void hide_from_members(const std::string& type, nlohmann::json& payload, bool hide_seed,
                       bool hide_variant);

class LiveSession : public std::enable_shared_from_this<LiveSession> {
 public:
  // `module` is the session kind's module (the sandbox's room, a scenario's
  // patient or box trainer); null only in tests of the bare loop.
  LiveSession(boost::asio::io_context& io, RecordStore& store, SessionRecord record,
              LiveSessionSettings settings, std::unique_ptr<SessionModule> module = nullptr);

  // Stores the first events and starts the timer.
  Status start();
  // Called once, after the session ended by itself (its scenario reached an end).
  void on_self_ended(std::function<void(const std::string& id)> callback);

  // A member's connection: `role` is their session role (an admin who is not
  // a member joins as an observer) and `team_role` the scenario role they hold.
  Result<int> join(const std::shared_ptr<SessionClient>& client, const UserRecord& user,
                   SessionRole role, const std::string& team_role);
  void leave(int participant);
  // Input from the driver moves a scenario's instruments (in an open room
  // such as the sandbox, every member but observers reaches the bodies);
  // other input is dropped.
  // Returns false when the participant may not send input at all (an observer).
  // Optional streams (STREAMS) the module does not declare are dropped.
  bool submit_input(int participant, InputFrame input, std::uint32_t client_seq);
  // A participant's team action, queued for the next tick: refused (forbidden)
  // for observers, and for a team role the scenario does not
  // let take it (then logged as `action_refused` with `not_permitted`);
  // invalid_input for a session without a scenario, conflict once it has ended.
  Status act(int participant, const wire::ActionRequest& action);
  // The member who holds the instruments / patient-facing controls.
  void set_driver(const std::string& user_id);
  std::string driver() const;
  // A member's session role or team role changed (or they were removed:
  // nullopt): connected clients follow at once; a removed member is closed.
  void member_changed(const std::string& user_id, std::optional<SessionRole> role,
                      const std::string& team_role);
  // The scenario the session runs, for team-role checks of actions.
  void set_scenario(std::shared_ptr<const scenario::ScenarioDef> def);
  // How many connected clients hold each team role.
  int team_role_count(const std::string& team_role);
  // An instructor's control: pause/resume/cue are queued for the next tick,
  // an observation is stored before this returns. The caller checks the
  // caller may instruct this session.
  Status control(const wire::ControlRequest& control, const std::string& by_user_id);
  // Sends a REPLY frame to one participant's client.
  void reply(int participant, const std::string& reply_json);
  // Appends an event from outside the engine and stores it before returning its seq.
  Result<std::uint64_t> record(const std::string& type, const std::string& payload_json);
  // Ends the session: a module session is scored (the `assessment` event) and
  // its debrief report stored as artifacts; the log is closed and flushed,
  // clients get the last events and are told why.
  Status end(const std::string& reason, SessionStatus status);

  const std::string& id() const { return record_.id; }
  SessionRecord record() const;
  struct ParticipantInfo {
    int number;
    std::string user_id;
    std::string username;
    std::string role;  // session role
    bool present;
    std::string team_role;
  };
  std::vector<ParticipantInfo> participants();
  std::uint64_t tick();

 private:
  struct ClientSlot {
    std::weak_ptr<SessionClient> client;
    int participant = 0;
    std::string user_id;
    SessionRole role = SessionRole::observer;
    std::string team_role;
    bool need_keyframe = true;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::vector<wire::BodyPose> last_sent;
    // What this client has of each module mesh: its topology version and the
    // quantised positions last sent, against which the next deltas are taken.
    struct MeshSent {
      std::uint32_t id = 0;
      std::uint32_t topology_version = 0;
      std::vector<std::uint16_t> quantised;
    };
    std::vector<MeshSent> meshes_sent;
  };

  void schedule();
  void run_frame();
  // Takes the ticks that wall time says are due (none after the module finished).
  void catch_up_locked();
  Status flush_locked();
  void fan_out_locked();
  void send_keyframe_locked(ClientSlot& slot, SessionClient& client, std::uint32_t tick);
  // MESH frames for the meshes cut since this client's last frame.
  void send_topology_changes_locked(ClientSlot& slot, SessionClient& client, std::uint32_t tick);
  // The moved vertices of every mesh, into deltas_; returns how many meshes moved.
  std::size_t collect_mesh_deltas_locked(ClientSlot& slot);
  Status end_locked(const std::string& reason, SessionStatus status,
                    std::vector<std::shared_ptr<SessionClient>>* to_close);
  Status store_report_locked();
  std::string join_context_locked() const;
  ClientSlot* slot_of_locked(int participant);
  // The whole stored log but inputs, read in pages (what the assessment and
  // the report project).
  Result<std::vector<Event>> stored_log_locked();
  void keep_in_window_locked(Event e);

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  RecordStore& store_;
  SessionRecord record_;
  LiveSessionSettings settings_;

  mutable std::mutex mu_;
  Session session_;
  FixedStepClock clock_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_frame_;
  std::vector<Event> unsaved_;  // drained but not yet stored (the store was failing)
  bool store_failing_ = false;
  std::vector<ClientSlot> clients_;
  std::vector<wire::BodyPose> changed_;  // reused every frame
  // The module's meshes quantised at this frame (once for all clients), and
  // the deltas of one client's snapshot: reused every frame.
  std::vector<std::vector<std::uint16_t>> mesh_now_;
  std::vector<wire::MeshDelta> deltas_;
  // The latest stored events except inputs (at most settings_.event_window):
  // what a late joiner is shown (EVENTS frames).
  std::deque<Event> log_;
  // The event types whose latest instance a late joiner needs (the module
  // descriptor's late_joiner_events, e.g. `vitals`), and those instances.
  std::vector<std::string> late_joiner_types_;
  std::map<std::string, Event, std::less<>> late_joiner_state_;
  std::string driver_user_id_;
  int instrument_holder_ = 0;  // the driver's connection whose input moves the instruments
  bool holder_connected_locked();
  bool hide_seed() const { return record_.mode == SessionMode::assessed; }
  std::shared_ptr<const scenario::ScenarioDef> scenario_;
  std::chrono::steady_clock::time_point empty_since_;  // when the last client left
  std::uint64_t dropped_inputs_ = 0;
  std::string idle_reason_;
  std::string outbox_;  // JSON array elements stored since the last fan-out, comma-separated
  // A scenario runs the session (not an open room such as the sandbox): it
  // takes team actions and instructor controls, only the driver's hands
  // reach its instruments, and its report is stored at the end.
  bool scenario_driven_ = false;
  std::set<std::string> declared_streams_;  // the module's input streams, by name
  bool ended_ = false;
  std::function<void(const std::string&)> on_self_ended_;
};

class SessionHub {
 public:
  // `modules` makes the module of a session kind ("sandbox",
  // "emergency/acls-vf"); null: bare sessions with no module (tests).
  SessionHub(boost::asio::io_context& io, RecordStore& store, LiveSessionSettings settings,
             ModuleFactory modules = nullptr)
      : io_(io), store_(store), settings_(settings), modules_(std::move(modules)) {}

  // Makes the session's module (invalid_input for a kind no module knows) and starts it.
  Result<std::shared_ptr<LiveSession>> start(const SessionRecord& record);
  std::shared_ptr<LiveSession> find(const std::string& id);
  Status end(const std::string& id, const std::string& reason);
  void end_all(const std::string& reason);
  std::size_t size();
  std::vector<std::shared_ptr<LiveSession>> all();

 private:
  boost::asio::io_context& io_;
  RecordStore& store_;
  LiveSessionSettings settings_;
  ModuleFactory modules_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<LiveSession>> sessions_;
};

std::vector<EventRecord> to_records(const std::string& session_id,
                                    const std::vector<Event>& events);

}  // namespace medvision
