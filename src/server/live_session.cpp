#include "server/live_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "core/ids.h"
#include "modules/registry.h"
#include "session/event.h"

namespace medvision {

namespace net = boost::asio;

std::vector<EventRecord> to_records(const std::string& session_id,
                                    const std::vector<Event>& events) {
  std::vector<EventRecord> out;
  out.reserve(events.size());
  for (const auto& e : events)
    out.push_back(EventRecord{session_id, e.seq, e.tick, e.wall_us, e.type, e.payload});
  return out;
}

void hide_from_members(const std::string& type, nlohmann::json& payload, bool hide_seed,
                       bool hide_variant) {
  if (!payload.is_object()) return;
  if (hide_seed && payload.contains("seed")) payload["seed"] = nullptr;
  if (hide_variant && type == "session_started" && payload.contains("kind") &&
      payload["kind"].is_string()) {
    const std::string kind = payload["kind"];
    payload["kind"] = kind.substr(0, kind.find(':'));
  }
}

namespace {

// One event as it appears in an EVENTS frame.
// `hide_seed`: an assessed session's seed stays hidden from clients until it
// has ended (instructors read it through the API).
// The variant in `session_started`'s kind (the case's hidden diagnosis) is
// never sent live: members read it, when they may, from the session record.
std::string event_json(const Event& e, bool hide_seed) {
  nlohmann::json payload = nlohmann::json::parse(e.payload, nullptr, false);
  if (payload.is_discarded()) payload = nlohmann::json::object();
  hide_from_members(e.type, payload, hide_seed, true);
  return nlohmann::json{
      {"seq", e.seq}, {"tick", e.tick}, {"type", e.type}, {"payload", std::move(payload)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

LiveSession::LiveSession(net::io_context& io, RecordStore& store, SessionRecord record,
                         LiveSessionSettings settings, std::unique_ptr<SessionModule> module)
    : strand_(net::make_strand(io)),
      timer_(strand_),
      store_(store),
      record_(std::move(record)),
      settings_(settings),
      session_(SessionSetup{record_.kind, record_.seed, settings.tick_rate_hz}, wall_time_us,
               std::move(module)),
      clock_(settings.tick_rate_hz),
      scenario_driven_(session_.module() != nullptr) {
  if (const modules::ModuleDescriptor* m = modules::find_module(record_.kind)) {
    late_joiner_types_ = m->late_joiner_events;
    for (const auto& stream : m->inputs) declared_streams_.insert(stream.name);
    if (m->open_room) scenario_driven_ = false;
  }
}

void LiveSession::on_self_ended(std::function<void(const std::string& id)> callback) {
  std::lock_guard lock(mu_);
  on_self_ended_ = std::move(callback);
}

Status LiveSession::start() {
  {
    std::lock_guard lock(mu_);
    MV_TRY(flush_locked());
    started_ = std::chrono::steady_clock::now();
    next_frame_ = started_;
    empty_since_ = started_;
  }
  schedule();
  return {};
}

void LiveSession::schedule() {
  const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / settings_.snapshot_rate_hz));
  next_frame_ += period;
  const auto now = std::chrono::steady_clock::now();
  if (next_frame_ < now) next_frame_ = now;  // fell behind: do not burst to catch up
  timer_.expires_at(next_frame_);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    self->run_frame();
  });
}

void LiveSession::run_frame() {
  static const std::string kScenarioEnded = "scenario ended";
  std::vector<std::shared_ptr<SessionClient>> to_close;
  bool self_ended = false;
  {
    std::lock_guard lock(mu_);
    if (ended_) return;
    catch_up_locked();
    std::erase_if(clients_, [](const ClientSlot& s) { return s.client.expired(); });
    const auto now = std::chrono::steady_clock::now();
    if (!clients_.empty()) empty_since_ = now;
    const bool idle = now - empty_since_ >= settings_.idle_timeout;
    if (idle)
      idle_reason_ =
          "no member connected for " + std::to_string(settings_.idle_timeout.count()) + " s";
    if (session_.module_finished() || idle) {
      const Status ended =
          end_locked(idle ? idle_reason_ : kScenarioEnded, SessionStatus::ended, &to_close);
      // If the store refused, the next frame tries again (the events stay unsaved).
      if (!ended.ok()) {
        spdlog::error("session {}: cannot end after its scenario ended: {}", record_.id,
                      ended.error().message);
      }
      self_ended = ended.ok();
    } else {
      (void)flush_locked();
      fan_out_locked();
    }
  }
  if (!self_ended) return schedule();
  const std::string why = idle_reason_.empty() ? kScenarioEnded : idle_reason_;
  for (auto& c : to_close) c->close(1000, "session ended: " + why);
  if (on_self_ended_) on_self_ended_(record_.id);
}

void LiveSession::catch_up_locked() {
  const std::uint64_t due = clock_.due(std::chrono::steady_clock::now() - started_);
  for (std::uint64_t i = 0; i < due && !session_.module_finished(); ++i) session_.step();
}

Status LiveSession::flush_locked() {
  auto fresh = session_.drain_events();
  unsaved_.insert(unsaved_.end(), std::make_move_iterator(fresh.begin()),
                  std::make_move_iterator(fresh.end()));
  if (unsaved_.empty()) return {};
  const Status stored = store_.append_events(to_records(record_.id, unsaved_));
  if (!stored.ok()) {
    // Keep the events and the clients' acknowledgements where they are; the
    // next frame tries again, so nothing acknowledged is ever lost.
    if (!store_failing_)
      spdlog::error("session {}: cannot store events: {}", record_.id, stored.error().message);
    store_failing_ = true;
    return stored;
  }
  if (store_failing_) spdlog::info("session {}: storing events again", record_.id);
  store_failing_ = false;
  for (auto& e : unsaved_) {
    if (e.type == event_type::input) continue;
    if (!outbox_.empty()) outbox_ += ',';
    outbox_ += event_json(e, hide_seed());
    keep_in_window_locked(std::move(e));
  }
  unsaved_.clear();
  for (auto& slot : clients_) {
    if (const Participant* p = session_.participant(slot.participant))
      slot.ack = p->last_client_seq;
  }
  return {};
}

void LiveSession::fan_out_locked() {
  const WorldModel& model = session_.world_model();
  const WorldState& state = session_.world_state();
  const auto tick = static_cast<std::uint32_t>(session_.tick());
  const SessionModule* module = session_.module();
  const std::span<const SceneMesh> meshes =
      module != nullptr ? module->meshes() : std::span<const SceneMesh>();
  mesh_now_.resize(meshes.size());
  for (std::size_t m = 0; m < meshes.size(); ++m) wire::quantise_positions(meshes[m], mesh_now_[m]);
  std::erase_if(clients_, [](const ClientSlot& s) { return s.client.expired(); });
  const std::string fresh = outbox_.empty() ? std::string() : "[" + outbox_ + "]";
  outbox_.clear();
  for (auto& slot : clients_) {
    auto client = slot.client.lock();
    if (!client) continue;
    // Bodies or meshes added or removed (a module's scene changed): a new keyframe.
    if (slot.last_sent.size() != model.bodies.size()) slot.need_keyframe = true;
    if (slot.meshes_sent.size() != meshes.size()) slot.need_keyframe = true;
    for (std::size_t m = 0; m < meshes.size() && !slot.need_keyframe; ++m)
      slot.need_keyframe = slot.meshes_sent[m].id != meshes[m].id;
    if (slot.need_keyframe) {
      send_keyframe_locked(slot, *client, tick);
      // The context already holds everything in `fresh`.
      client->send(std::make_shared<const std::string>(
          wire::encode_events(tick, ++slot.seq, slot.ack, join_context_locked())));
      slot.need_keyframe = false;
      continue;
    }
    // Events are never skipped (a backlogged client only loses snapshots).
    if (!fresh.empty())
      client->send(std::make_shared<const std::string>(
          wire::encode_events(tick, ++slot.seq, slot.ack, fresh)));
    // Nor are new topologies: later deltas index the new vertices.
    send_topology_changes_locked(slot, *client, tick);
    if (client->backlogged()) continue;
    changed_.clear();
    for (std::size_t i = 0; i < model.bodies.size(); ++i) {
      const wire::BodyPose now = wire::body_pose(model, state, i);
      if (!(now == slot.last_sent[i])) {
        changed_.push_back(now);
        slot.last_sent[i] = now;
      }
    }
    const std::size_t moved_meshes = collect_mesh_deltas_locked(slot);
    wire::HandForcesOnWire forces;
    if (module != nullptr) {
      if (const auto f = module->hand_forces(slot.participant)) {
        forces = {true, f->left_N, f->right_N};
      }
    }
    client->send(std::make_shared<const std::string>(wire::encode_snapshot(
        tick, ++slot.seq, slot.ack, changed_,
        std::span<const wire::MeshDelta>(deltas_.data(), moved_meshes), forces)));
  }
}

void LiveSession::send_keyframe_locked(ClientSlot& slot, SessionClient& client,
                                       std::uint32_t tick) {
  const WorldModel& model = session_.world_model();
  const WorldState& state = session_.world_state();
  const SessionModule* module = session_.module();
  slot.last_sent.clear();
  for (std::size_t i = 0; i < model.bodies.size(); ++i)
    slot.last_sent.push_back(wire::body_pose(model, state, i));
  std::vector<wire::MeshTopology> topologies;
  std::vector<wire::CameraView> cameras;
  slot.meshes_sent.clear();
  if (module != nullptr) {
    const auto meshes = module->meshes();
    for (std::size_t m = 0; m < meshes.size(); ++m) {
      topologies.push_back(wire::mesh_topology(meshes[m]));
      slot.meshes_sent.push_back({meshes[m].id, meshes[m].topology_version, mesh_now_[m]});
    }
    for (const SceneCamera& c : module->cameras()) cameras.push_back(wire::camera_view(c));
  }
  client.send(std::make_shared<const std::string>(wire::encode_keyframe(
      tick, ++slot.seq, slot.ack, static_cast<std::uint32_t>(slot.participant), model, state,
      topologies, cameras)));
}

void LiveSession::send_topology_changes_locked(ClientSlot& slot, SessionClient& client,
                                               std::uint32_t tick) {
  const SessionModule* module = session_.module();
  if (module == nullptr) return;
  const auto meshes = module->meshes();
  for (std::size_t m = 0; m < meshes.size(); ++m) {
    ClientSlot::MeshSent& sent = slot.meshes_sent[m];
    // A vertex count that changed without a new version is treated as a cut too.
    if (sent.topology_version == meshes[m].topology_version &&
        sent.quantised.size() == mesh_now_[m].size())
      continue;
    client.send(std::make_shared<const std::string>(
        wire::encode_mesh(tick, ++slot.seq, wire::mesh_topology(meshes[m]))));
    sent.topology_version = meshes[m].topology_version;
    sent.quantised = mesh_now_[m];
  }
}

std::size_t LiveSession::collect_mesh_deltas_locked(ClientSlot& slot) {
  const SessionModule* module = session_.module();
  if (module == nullptr) return 0;
  const auto meshes = module->meshes();
  if (deltas_.size() < meshes.size()) deltas_.resize(meshes.size());
  std::size_t used = 0;
  for (std::size_t m = 0; m < meshes.size(); ++m) {
    std::vector<std::uint16_t>& sent = slot.meshes_sent[m].quantised;
    const std::vector<std::uint16_t>& now = mesh_now_[m];
    wire::MeshDelta& d = deltas_[used];
    d.id = meshes[m].id;
    d.topology_version = meshes[m].topology_version;
    d.vertices.clear();
    d.quantised.clear();
    // A vertex is sent when it moved by at least one quantum on some axis
    // since the state this client was last sent (so the client's copy is
    // always within half a quantum per axis of the server's).
    for (std::size_t v = 0; 3 * v + 2 < now.size(); ++v) {
      const std::size_t o = 3 * v;
      if (now[o] == sent[o] && now[o + 1] == sent[o + 1] && now[o + 2] == sent[o + 2]) continue;
      d.vertices.push_back(static_cast<std::uint32_t>(v));
      for (std::size_t a = 0; a < 3; ++a) {
        d.quantised.push_back(now[o + a]);
        sent[o + a] = now[o + a];
      }
    }
    if (!d.vertices.empty()) ++used;
  }
  return used;
}

void LiveSession::keep_in_window_locked(Event e) {
  if (std::find(late_joiner_types_.begin(), late_joiner_types_.end(), e.type) !=
      late_joiner_types_.end())
    late_joiner_state_.insert_or_assign(e.type, e);
  log_.push_back(std::move(e));
  while (log_.size() > settings_.event_window) log_.pop_front();
}

std::string LiveSession::join_context_locked() const {
  const std::size_t first = log_.size() > kJoinContextEvents ? log_.size() - kJoinContextEvents : 0;
  std::string out = "[";
  // The latest state events from before the window, oldest first.
  std::vector<const Event*> state;
  for (const auto& [type, e] : late_joiner_state_) {
    if (log_.empty() || e.seq < log_[first].seq) state.push_back(&e);
  }
  std::sort(state.begin(), state.end(),
            [](const Event* a, const Event* b) { return a->seq < b->seq; });
  for (const Event* e : state) {
    if (out.size() > 1) out += ',';
    out += event_json(*e, hide_seed());
  }
  for (std::size_t i = first; i < log_.size(); ++i) {
    if (out.size() > 1) out += ',';
    out += event_json(log_[i], hide_seed());
  }
  return out + "]";
}

Result<std::vector<Event>> LiveSession::stored_log_locked() {
  std::vector<Event> out;
  std::uint64_t after = 0;
  for (;;) {
    auto page = store_.list_events(record_.id, after, 10000);
    if (!page.ok()) return page.error();
    for (auto& r : *page) {
      after = r.seq;
      if (r.type == event_type::input) continue;
      out.push_back(Event{r.seq, r.tick, r.wall_us, std::move(r.type), std::move(r.payload)});
    }
    if (page->size() < 10000) break;
  }
  return out;
}

LiveSession::ClientSlot* LiveSession::slot_of_locked(int participant) {
  for (auto& slot : clients_) {
    if (slot.participant == participant) return &slot;
  }
  return nullptr;
}

Result<int> LiveSession::join(const std::shared_ptr<SessionClient>& client, const UserRecord& user,
                              SessionRole role, const std::string& team_role) {
  std::lock_guard lock(mu_);
  if (ended_) return make_error(ErrorCode::conflict, "session " + record_.id + " has ended");
  const int number = session_.add_participant(user.id, user.username, to_string(role));
  ClientSlot slot;
  slot.client = client;
  slot.participant = number;
  slot.user_id = user.id;
  slot.role = role;
  slot.team_role = team_role;
  clients_.push_back(std::move(slot));
  // The driver's connection holds the instruments, unless another of the
  // driver's connections (a second tab, a monitor view) already does; a
  // reconnection takes them over from the connection that dropped.
  if (scenario_driven_ && user.id == driver_user_id_ && !holder_connected_locked()) {
    instrument_holder_ = number;
    session_.hand_over(number);
  }
  return number;
}

bool LiveSession::holder_connected_locked() {
  if (instrument_holder_ == 0) return false;
  const ClientSlot* holder = slot_of_locked(instrument_holder_);
  return holder != nullptr && !holder->client.expired() && holder->user_id == driver_user_id_;
}

void LiveSession::set_driver(const std::string& user_id) {
  std::lock_guard lock(mu_);
  driver_user_id_ = user_id;
  if (!scenario_driven_ || ended_ || holder_connected_locked()) return;
  instrument_holder_ = 0;
  for (auto it = clients_.rbegin(); it != clients_.rend(); ++it) {
    if (it->user_id == user_id && !it->client.expired()) {
      instrument_holder_ = it->participant;
      session_.hand_over(it->participant);
      break;
    }
  }
}

std::string LiveSession::driver() const {
  std::lock_guard lock(mu_);
  return driver_user_id_;
}

void LiveSession::member_changed(const std::string& user_id, std::optional<SessionRole> role,
                                 const std::string& team_role) {
  std::vector<std::shared_ptr<SessionClient>> to_close;
  {
    std::lock_guard lock(mu_);
    for (auto& slot : clients_) {
      if (slot.user_id != user_id) continue;
      if (!role) {
        if (auto c = slot.client.lock()) to_close.push_back(std::move(c));
        continue;
      }
      slot.role = *role;
      slot.team_role = team_role;
    }
  }
  for (auto& c : to_close) c->close(1008, "you are no longer a member of this session");
}

void LiveSession::set_scenario(std::shared_ptr<const scenario::ScenarioDef> def) {
  std::lock_guard lock(mu_);
  scenario_ = std::move(def);
}

int LiveSession::team_role_count(const std::string& team_role) {
  std::lock_guard lock(mu_);
  std::set<std::string> users;
  for (const auto& slot : clients_) {
    if (slot.team_role == team_role) users.insert(slot.user_id);
  }
  return static_cast<int>(users.size());
}

void LiveSession::leave(int participant) {
  std::lock_guard lock(mu_);
  if (ended_) return;
  session_.remove_participant(participant);
  std::erase_if(clients_, [&](const ClientSlot& s) { return s.participant == participant; });
}

bool LiveSession::submit_input(int participant, InputFrame input, std::uint32_t client_seq) {
  // The optional streams the module does not declare never reach the session
  // or the log: a hand's joints or a microphone's level are kept only where
  // a module measures them.
  if (!declared_streams_.count(input_stream::hand_joints)) {
    input.joints[0].clear();
    input.joints[1].clear();
  }
  if (!declared_streams_.count(input_stream::audio_envelope)) input.audio_level.reset();
  if (!declared_streams_.count(input_stream::client_time)) input.client_time_ms.reset();
  std::lock_guard lock(mu_);
  const ClientSlot* slot = slot_of_locked(participant);
  if (slot == nullptr || slot->role == SessionRole::observer) {
    ++dropped_inputs_;
    return false;
  }
  // Only the driver's hands reach a module's instruments: never the first
  // socket that happens to send input.
  if (scenario_driven_ && slot->user_id != driver_user_id_) {
    ++dropped_inputs_;
    return true;
  }
  if (scenario_driven_ && participant != instrument_holder_) {
    // Another connection of the driver's: it takes over only when the
    // holder has gone.
    if (holder_connected_locked()) {
      ++dropped_inputs_;
      return true;
    }
    instrument_holder_ = participant;
    session_.hand_over(participant);
  }
  session_.submit_input(participant, input, client_seq);
  return true;
}

Status LiveSession::act(int participant, const wire::ActionRequest& action) {
  std::lock_guard lock(mu_);
  if (ended_) return make_error(ErrorCode::conflict, "session " + record_.id + " has ended");
  if (!scenario_driven_) {
    return make_error(ErrorCode::invalid_input, "session " + record_.id + " (" + record_.kind +
                                                    ") has no scenario to take team actions");
  }
  const ClientSlot* slot = slot_of_locked(participant);
  if (session_.participant(participant) == nullptr || slot == nullptr) {
    return make_error(ErrorCode::invalid_input,
                      "participant " + std::to_string(participant) + " is not in the session");
  }
  if (slot->role == SessionRole::observer) {
    return make_error(ErrorCode::forbidden, "observers watch: they do not take team actions");
  }
  // A member holding a team role is held to it; in an assessed session every
  // member is (no role: only the actions no role claims). In practice, a
  // member without a role acts freely (solo practice).
  const bool enforced = !slot->team_role.empty() || record_.mode == SessionMode::assessed;
  if (scenario_ && enforced && !scenario_->role_may_take(slot->team_role, action.name)) {
    const std::string who =
        slot->team_role.empty() ? "a member without a team role" : "team role " + slot->team_role;
    session_.record("action_refused",
                    nlohmann::json{{"participant", participant},
                                   {"action", action.name},
                                   {"reason", who + " may not take " + action.name},
                                   {"not_permitted", true}}
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return make_error(ErrorCode::forbidden, who + " may not take '" + action.name + "'");
  }
  session_.act(participant, action.name, action.params_json);
  return {};
}

Status LiveSession::control(const wire::ControlRequest& control, const std::string& by_user_id) {
  if (control.control == "observation") {
    auto seq =
        record("observation", nlohmann::json{{"text", control.text}, {"by", by_user_id}}.dump(
                                  -1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (!seq.ok()) return seq.error();
    return {};
  }
  std::lock_guard lock(mu_);
  if (ended_) return make_error(ErrorCode::conflict, "session " + record_.id + " has ended");
  if (!scenario_driven_) {
    return make_error(ErrorCode::invalid_input, "session " + record_.id + " (" + record_.kind +
                                                    ") has no scenario to pause, resume or cue");
  }
  const InstructorControl c = control.control == "pause"    ? InstructorControl::pause
                              : control.control == "resume" ? InstructorControl::resume
                                                            : InstructorControl::cue;
  session_.instruct(c, control.text, by_user_id);
  return {};
}

void LiveSession::reply(int participant, const std::string& reply_json) {
  std::lock_guard lock(mu_);
  const auto tick = static_cast<std::uint32_t>(session_.tick());
  for (auto& slot : clients_) {
    if (slot.participant != participant) continue;
    if (auto client = slot.client.lock()) {
      client->send(
          std::make_shared<const std::string>(wire::encode_reply(tick, ++slot.seq, reply_json)));
    }
  }
}

Result<std::uint64_t> LiveSession::record(const std::string& type,
                                          const std::string& payload_json) {
  std::lock_guard lock(mu_);
  if (ended_) return make_error(ErrorCode::conflict, "session " + record_.id + " has ended");
  session_.record(type, payload_json);
  const std::uint64_t seq = session_.last_seq();
  MV_TRY(flush_locked());
  return seq;
}

Status LiveSession::end(const std::string& reason, SessionStatus status) {
  std::vector<std::shared_ptr<SessionClient>> to_close;
  {
    std::lock_guard lock(mu_);
    if (ended_) return {};
    catch_up_locked();
    MV_TRY(end_locked(reason, status, &to_close));
  }
  net::post(strand_, [self = shared_from_this()] { self->timer_.cancel(); });
  for (auto& c : to_close) c->close(1000, "session ended: " + reason);
  return {};
}

Status LiveSession::end_locked(const std::string& reason, SessionStatus status,
                               std::vector<std::shared_ptr<SessionClient>>* to_close) {
  if (!session_.ended()) {
    // Everything up to now is stored first, so the assessment reads the whole log.
    MV_TRY(flush_locked());
    if (scenario_driven_) {
      auto log = stored_log_locked();
      if (!log.ok()) return log.error();
      session_.finish(*log, reason);
    } else {
      session_.end(reason);
    }
  }
  MV_TRY(flush_locked());
  fan_out_locked();  // the last events reach the clients before they are closed
  if (scenario_driven_) {
    const Status report = store_report_locked();
    // The report is a projection of the stored log: it can be rebuilt, so a
    // failure here does not keep the session open.
    if (!report.ok())
      spdlog::error("session {}: cannot store its report: {}", record_.id, report.error().message);
  }
  MV_TRY(store_.end_session(record_.id, status, wall_time_us()));
  ended_ = true;
  record_.status = status;
  for (auto& slot : clients_) {
    if (auto c = slot.client.lock()) to_close->push_back(c);
  }
  clients_.clear();
  return {};
}

Status LiveSession::store_report_locked() {
  auto log = stored_log_locked();
  if (!log.ok()) return log.error();
  const records::SessionReport report = modules::session_report(
      records::SessionInfo{record_.id, record_.title, record_.kind, settings_.tick_rate_hz}, *log);
  const std::int64_t now = wall_time_us();
  MV_TRY(store_.put_artifact(ArtifactRecord{
      new_id("art_"), record_.id, "report", "report.json", "application/json",
      report.json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", now}));
  MV_TRY(store_.put_artifact(ArtifactRecord{new_id("art_"), record_.id, "report", "report.html",
                                            "text/html; charset=utf-8", report.html, now}));
  return {};
}

SessionRecord LiveSession::record() const { return record_; }

std::vector<LiveSession::ParticipantInfo> LiveSession::participants() {
  std::lock_guard lock(mu_);
  std::vector<ParticipantInfo> out;
  for (const auto& p : session_.participants()) {
    std::string team_role;
    for (const auto& slot : clients_) {
      if (slot.participant == p.number) team_role = slot.team_role;
    }
    out.push_back({p.number, p.user_id, p.username, p.role, p.present, team_role});
  }
  return out;
}

std::uint64_t LiveSession::tick() {
  std::lock_guard lock(mu_);
  return session_.tick();
}

Result<std::shared_ptr<LiveSession>> SessionHub::start(const SessionRecord& record) {
  std::unique_ptr<SessionModule> module;
  if (modules_) {
    auto made = modules_(record.kind, record.seed);
    if (!made.ok()) return made.error();
    module = std::move(*made);
  }
  auto live = std::make_shared<LiveSession>(io_, store_, record, settings_, std::move(module));
  live->on_self_ended([this](const std::string& id) {
    std::lock_guard lock(mu_);
    sessions_.erase(id);
  });
  MV_TRY(live->start());
  std::lock_guard lock(mu_);
  sessions_[record.id] = live;
  return live;
}

std::shared_ptr<LiveSession> SessionHub::find(const std::string& id) {
  std::lock_guard lock(mu_);
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

Status SessionHub::end(const std::string& id, const std::string& reason) {
  auto live = find(id);
  if (!live) return make_error(ErrorCode::conflict, "session " + id + " is not running");
  MV_TRY(live->end(reason, SessionStatus::ended));
  std::lock_guard lock(mu_);
  sessions_.erase(id);
  return {};
}

void SessionHub::end_all(const std::string& reason) {
  std::map<std::string, std::shared_ptr<LiveSession>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(sessions_);
  }
  for (auto& [id, live] : all) {
    const Status s = live->end(reason, SessionStatus::ended);
    if (!s.ok()) spdlog::error("session {}: could not end cleanly: {}", id, s.error().message);
  }
}

std::vector<std::shared_ptr<LiveSession>> SessionHub::all() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<LiveSession>> out;
  for (auto& [id, live] : sessions_) out.push_back(live);
  return out;
}

std::size_t SessionHub::size() {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace medvision
