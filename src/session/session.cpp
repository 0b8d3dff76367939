#include "session/session.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/hash.h"

namespace medvision {
namespace {

using nlohmann::json;

void add_pose(Fnv1a& h, const Pose& p) {
  for (int i = 0; i < 3; ++i) h.add(p.position[i]);
  for (int i = 0; i < 4; ++i) h.add(p.orientation.coeffs()[i]);
}

}  // namespace

json pose_array(const Pose& p, std::optional<std::uint32_t> buttons) {
  json a = json::array({p.position.x(), p.position.y(), p.position.z(), p.orientation.x(),
                        p.orientation.y(), p.orientation.z(), p.orientation.w()});
  if (buttons) a.push_back(*buttons);
  return a;
}

std::string input_to_json(int number, const InputFrame& input, std::uint32_t client_seq) {
  json j{{"participant", number},
         {"client_seq", client_seq},
         {"head", pose_array(input.head)},
         {"left", pose_array(input.hands[0].pose, input.hands[0].buttons)},
         {"right", pose_array(input.hands[1].pose, input.hands[1].buttons)}};
  // The optional streams, only when present: logs of head and hands alone
  // stay as they were.
  static constexpr const char* kJointKeys[2] = {"left_joints", "right_joints"};
  for (int h = 0; h < 2; ++h) {
    if (input.joints[h].empty()) continue;
    json joints = json::array();
    for (const HandJoint& joint : input.joints[h]) {
      json a = pose_array(joint.pose);
      a.push_back(joint.radius_m);
      joints.push_back(std::move(a));
    }
    j[kJointKeys[h]] = std::move(joints);
  }
  if (input.audio_level) j["audio_level"] = *input.audio_level;
  if (input.client_time_ms) j["client_time_ms"] = *input.client_time_ms;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool input_from_json(const std::string& text, int* number, InputFrame* input,
                     std::uint32_t* client_seq) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("participant") || !j["participant"].is_number_integer() ||
      !j.contains("client_seq") || !j["client_seq"].is_number_unsigned() || !j.contains("head") ||
      !j.contains("left") || !j.contains("right")) {
    return false;
  }
  *number = j["participant"].get<int>();
  *client_seq = j["client_seq"].get<std::uint32_t>();
  if (!pose_from_json(j["head"], &input->head, nullptr).ok() ||
      !pose_from_json(j["left"], &input->hands[0].pose, &input->hands[0].buttons).ok() ||
      !pose_from_json(j["right"], &input->hands[1].pose, &input->hands[1].buttons).ok()) {
    return false;
  }
  static constexpr const char* kJointKeys[2] = {"left_joints", "right_joints"};
  for (int h = 0; h < 2; ++h) {
    input->joints[h].clear();
    if (!j.contains(kJointKeys[h])) continue;
    const json& joints = j[kJointKeys[h]];
    if (!joints.is_array() || joints.size() != static_cast<std::size_t>(kHandJoints)) return false;
    for (const json& a : joints) {
      if (!a.is_array() || a.size() != 8 || !a[7].is_number()) return false;
      HandJoint joint;
      json pose = a;
      pose.erase(7);
      if (!pose_from_json(pose, &joint.pose, nullptr).ok()) return false;
      joint.radius_m = a[7].get<float>();
      if (!std::isfinite(joint.radius_m) || joint.radius_m < 0) return false;
      input->joints[h].push_back(joint);
    }
  }
  input->audio_level.reset();
  if (j.contains("audio_level")) {
    if (!j["audio_level"].is_number()) return false;
    const float level = j["audio_level"].get<float>();
    if (!(level >= 0 && level <= 1)) return false;
    input->audio_level = level;
  }
  input->client_time_ms.reset();
  if (j.contains("client_time_ms")) {
    if (!j["client_time_ms"].is_number()) return false;
    const double t = j["client_time_ms"].get<double>();
    if (!std::isfinite(t)) return false;
    input->client_time_ms = t;
  }
  return true;
}

Status pose_from_json(const json& a, Pose* pose, std::uint32_t* buttons) {
  const std::size_t expected = buttons ? 8 : 7;
  if (!a.is_array() || a.size() != expected) {
    return make_error(ErrorCode::invalid_input, std::string("must be [x, y, z, qx, qy, qz, qw") +
                                                    (buttons ? ", buttons]" : "]"));
  }
  for (const auto& v : a) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      return make_error(ErrorCode::invalid_input, "holds a value that is not a finite number");
    }
  }
  if (buttons) {
    if (!a[7].is_number_unsigned() || a[7].get<std::uint64_t>() > 0xffffffffu) {
      return make_error(ErrorCode::invalid_input,
                        "has buttons that are not a whole number from 0 to 4294967295");
    }
    *buttons = a[7].get<std::uint32_t>();
  }
  pose->position = {a[0].get<double>(), a[1].get<double>(), a[2].get<double>()};
  pose->orientation = Eigen::Quaterniond(a[6].get<double>(), a[3].get<double>(), a[4].get<double>(),
                                         a[5].get<double>());
  return {};
}

const char* to_string(InstructorControl control) {
  switch (control) {
    case InstructorControl::pause:
      return "pause";
    case InstructorControl::resume:
      return "resume";
    case InstructorControl::cue:
      return "cue";
  }
  return "";
}

Session::Session(SessionSetup setup, std::function<std::int64_t()> wall_clock,
                 std::unique_ptr<SessionModule> module)
    : setup_(std::move(setup)), wall_clock_(std::move(wall_clock)), module_(std::move(module)) {
  append(event_type::session_started,
         json{{"kind", setup_.kind}, {"seed", setup_.seed}, {"tick_rate_hz", setup_.tick_rate_hz}}
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (module_) module_->start(sink());
}

EventSink Session::sink() {
  // Made per call, not kept: a kept one would point at a moved-from session.
  return [this](std::string_view type, std::string payload) { append(type, std::move(payload)); };
}

void Session::append(std::string_view type, std::string payload) {
  pending_.push_back(
      Event{next_seq_++, tick_, wall_clock_(), std::string(type), std::move(payload)});
}

void Session::apply_queue() {
  // Index loop: applying an entry may not add to the queue, but stay safe if it does.
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    std::visit(
        [this](const auto& q) {
          using T = std::decay_t<decltype(q)>;
          if constexpr (std::is_same_v<T, QueuedInput>) apply_input(q);
          if constexpr (std::is_same_v<T, QueuedAction>) apply_action(q);
          if constexpr (std::is_same_v<T, QueuedControl>) apply_control(q);
          if constexpr (std::is_same_v<T, QueuedHandOver>) {
            append(event_type::driver_changed, json{{"participant", q.number}}.dump(
                                                   -1, ' ', false, json::error_handler_t::replace));
            if (module_) module_->hand_over(q.number);
          }
        },
        queue_[i]);
  }
  queue_.clear();
}

void Session::act(int number, const std::string& name, const std::string& params_json) {
  const Participant* p = participant(number);
  if (p == nullptr || !p->present || ended_) return;
  queue_.push_back(QueuedAction{number, name, params_json});
}

void Session::hand_over(int number) {
  if (ended_ || participant(number) == nullptr) return;
  queue_.push_back(QueuedHandOver{number});
}

void Session::instruct(InstructorControl control, const std::string& text, const std::string& by) {
  if (ended_) return;
  queue_.push_back(QueuedControl{control, text, by});
}

void Session::apply_action(const QueuedAction& q) {
  if (!participants_[static_cast<std::size_t>(q.number - 1)].present) return;
  json params = json::parse(q.params_json, nullptr, false);
  if (!params.is_object()) params = json::object();
  append(event_type::action,
         json{{"participant", q.number}, {"action", q.name}, {"params", params}}.dump(
             -1, ' ', false, nlohmann::json::error_handler_t::replace));
  const Status done =
      module_
          ? module_->act(
                ModuleAction{q.number, q.name,
                             params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
                sink())
          : Status(make_error(ErrorCode::invalid_input, "this session has no clinical module"));
  if (!done.ok()) {
    append(
        event_type::action_refused,
        json{{"participant", q.number}, {"action", q.name}, {"reason", done.error().message}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

void Session::apply_control(const QueuedControl& q) {
  append(event_type::instructor,
         json{{"control", to_string(q.control)}, {"text", q.text}, {"by", q.by}}.dump(
             -1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!module_) return;
  const Status done = module_->instruct(q.control, q.text, sink());
  if (!done.ok()) {
    append(event_type::action_refused,
           json{{"control", to_string(q.control)}, {"reason", done.error().message}}.dump(
               -1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

int Session::add_participant(const std::string& user_id, const std::string& username,
                             const std::string& role) {
  Participant p;
  p.number = static_cast<int>(participants_.size()) + 1;
  p.user_id = user_id;
  p.username = username;
  p.role = role;
  participants_.push_back(p);
  append(
      event_type::participant_joined,
      json{{"participant", p.number}, {"user_id", user_id}, {"username", username}, {"role", role}}
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return p.number;
}

const Participant* Session::participant(int number) const {
  if (number < 1 || number > static_cast<int>(participants_.size())) return nullptr;
  return &participants_[static_cast<std::size_t>(number - 1)];
}

void Session::remove_participant(int number) {
  if (participant(number) == nullptr || !participant(number)->present) return;
  // Inputs this participant sent before leaving still apply, in order.
  apply_queue();
  if (module_) module_->participant_left(number, sink());
  participants_[static_cast<std::size_t>(number - 1)].present = false;
  append(
      event_type::participant_left,
      json{{"participant", number}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void Session::submit_input(int number, const InputFrame& input, std::uint32_t client_seq) {
  const Participant* p = participant(number);
  if (p == nullptr || !p->present || ended_) return;
  queue_.emplace_back(QueuedInput{number, input, client_seq});
}

void Session::record(const std::string& type, const std::string& payload_json) {
  append(type, payload_json);
}

void Session::apply_input(const QueuedInput& q) {
  Participant& p = participants_[static_cast<std::size_t>(q.number - 1)];
  if (!p.present) return;
  append(event_type::input, input_to_json(q.number, q.input, q.client_seq));
  if (module_) module_->input(q.number, q.input, sink());
  p.input = q.input;
  p.last_client_seq = q.client_seq;
}

namespace {
const ModuleScene kNoScene;
}  // namespace

const WorldModel& Session::world_model() const {
  return own_scene() ? module_->scene()->model : kNoScene.model;
}
const WorldState& Session::world_state() const {
  return own_scene() ? module_->scene()->state : kNoScene.state;
}

void Session::step() {
  if (ended_) return;
  apply_queue();
  if (module_) module_->step(tick_, sink());
  ++tick_;
}

void Session::finish(std::span<const Event> log, const std::string& reason) {
  if (module_) {
    if (auto assessment = module_->assess(log)) record("assessment", *assessment);
  }
  end(reason);
}

void Session::end(const std::string& reason) {
  if (ended_) return;
  apply_queue();
  append(event_type::session_ended,
         json{{"reason", reason}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  ended_ = true;
}

std::uint64_t Session::state_hash() const {
  Fnv1a h;
  h.add(tick_);
  for (const auto& p : participants_) {
    h.add(p.present);
    add_pose(h, p.input.head);
    for (const auto& hand : p.input.hands) {
      add_pose(h, hand.pose);
      h.add(hand.buttons);
    }
  }
  if (module_) h.add(module_->state_hash());
  return h.value();
}

std::vector<Event> Session::drain_events() {
  std::vector<Event> out;
  out.swap(pending_);
  return out;
}

std::optional<Session> Session::replay(const SessionSetup& setup, const std::vector<Event>& log,
                                       std::string* error, const ModuleFactory& factory) {
  auto fail = [&](const Event& e, const std::string& why) -> std::optional<Session> {
    if (error) *error = "event " + std::to_string(e.seq) + " (" + e.type + "): " + why;
    return std::nullopt;
  };
  std::unique_ptr<SessionModule> module;
  if (!setup.kind.empty()) {
    if (!factory) {
      if (error) *error = "session kind '" + setup.kind + "' needs its module to be replayed";
      return std::nullopt;
    }
    auto made = factory(setup.kind, setup.seed);
    if (!made.ok()) {
      if (error) *error = made.error().message;
      return std::nullopt;
    }
    module = std::move(*made);
  }
  Session s(
      setup, [] { return std::int64_t{0}; }, std::move(module));
  for (const Event& e : log) {
    if (e.tick < s.tick()) return fail(e, "tick goes backwards");
    while (s.tick() < e.tick) s.step();
    const json payload = json::parse(e.payload, nullptr, false);
    if (e.type == event_type::participant_joined) {
      if (!payload.is_object()) return fail(e, "payload is not a JSON object");
      const int n = s.add_participant(payload.value("user_id", ""), payload.value("username", ""),
                                      payload.value("role", ""));
      if (n != payload.value("participant", 0)) return fail(e, "participant numbers disagree");
    } else if (e.type == event_type::participant_left) {
      if (!payload.is_object()) return fail(e, "payload is not a JSON object");
      s.remove_participant(payload.value("participant", 0));
    } else if (e.type == event_type::input) {
      int number = 0;
      InputFrame input;
      std::uint32_t client_seq = 0;
      if (!input_from_json(e.payload, &number, &input, &client_seq))
        return fail(e, "malformed input");
      s.submit_input(number, input, client_seq);
    } else if (e.type == event_type::action) {
      if (!payload.is_object() || !payload.contains("action")) return fail(e, "malformed action");
      const json params = payload.contains("params") ? payload["params"] : json::object();
      s.act(payload.value("participant", 0), payload.value("action", ""),
            params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else if (e.type == event_type::instructor) {
      if (!payload.is_object()) return fail(e, "payload is not a JSON object");
      const std::string control = payload.value("control", "");
      const auto kind = control == "pause"    ? std::optional(InstructorControl::pause)
                        : control == "resume" ? std::optional(InstructorControl::resume)
                        : control == "cue"    ? std::optional(InstructorControl::cue)
                                              : std::nullopt;
      if (!kind) return fail(e, "unknown instructor control '" + control + "'");
      s.instruct(*kind, payload.value("text", ""), payload.value("by", ""));
    } else if (e.type == event_type::driver_changed) {
      if (!payload.is_object()) return fail(e, "payload is not a JSON object");
      s.hand_over(payload.value("participant", 0));
    } else if (e.type == event_type::session_ended) {
      s.end(payload.is_object() ? payload.value("reason", "") : "");
    } else if (e.type == event_type::observation) {
      s.record(e.type, e.payload);
    }
    // Every other event was derived by the engine or a module and is produced again.
  }
  return s;
}

}  // namespace medvision
