#include "server/client_frames.h"

#include <nlohmann/json.hpp>

namespace medvision {

std::string reply_json(std::uint32_t ref, const Status& status) {
  nlohmann::json j = {{"ref", ref}, {"ok", status.ok()}};
  if (!status.ok()) {
    j["code"] = to_string(status.error().code);
    j["error"] = status.error().message;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

Status take_action(ClientFrameContext& c, const std::string& body) {
  auto action = wire::parse_action_request(body);
  if (!action.ok()) return action.error();
  const Status done = c.live.act(c.participant, *action);
  if (!done.ok() && done.error().code == ErrorCode::forbidden) {
    audit(c.api, c.user.id, "action", "/api/sessions/" + c.live.id(), "denied",
          action->name + ": " + done.error().message, c.remote);
  }
  return done;
}

Status take_control(ClientFrameContext& c, const std::string& body) {
  auto control = wire::parse_control_request(body);
  if (!control.ok()) return control.error();
  auto allowed = may_instruct(c.api, c.live.id(), c.user);
  if (!allowed.ok()) return allowed.error();
  if (!*allowed) {
    audit(c.api, c.user.id, "control", "/api/sessions/" + c.live.id(), "denied", control->control,
          c.remote);
    return make_error(ErrorCode::forbidden, "you do not teach session " + c.live.id() +
                                                ", so you may not " + control->control + " it");
  }
  audit(c.api, c.user.id, "control", "/api/sessions/" + c.live.id(), "ok", control->control,
        c.remote);
  return c.live.control(*control, c.user.id);
}

}  // namespace

ClientFrameOutcome handle_client_frame(ClientFrameContext& c, std::string_view bytes) {
  ClientFrameOutcome out;
  auto frame = wire::decode_client_frame(bytes);
  if (!frame.ok()) {
    out.close = {1002, frame.error().message};
    return out;
  }
  switch (frame->header.type) {
    case wire::MessageType::action:
      out.reply_json = reply_json(frame->header.seq, take_action(c, frame->body));
      break;
    case wire::MessageType::control:
      out.reply_json = reply_json(frame->header.seq, take_control(c, frame->body));
      break;
    default:
      if (!c.live.submit_input(c.participant, frame->input, frame->header.seq) &&
          !c.told_observer) {
        c.told_observer = true;
        out.reply_json = reply_json(
            frame->header.seq,
            make_error(ErrorCode::forbidden, "observers watch: their input is not used"));
      }
      break;
  }
  return out;
}

}  // namespace medvision
