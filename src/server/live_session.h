#pragma once
// A running session inside the server: the engine's Session, driven in real
// time by a timer, with its log written to the store and snapshots fanned out
// to the connected clients. SessionHub holds every running session.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
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
};

class LiveSession : public std::enable_shared_from_this<LiveSession> {
 public:
  LiveSession(boost::asio::io_context& io, RecordStore& store, SessionRecord record,
              LiveSessionSettings settings);

  // Stores the first events and starts the timer.
  Status start();

  Result<int> join(const std::shared_ptr<SessionClient>& client, const UserRecord& user);
  void leave(int participant);
  void submit_input(int participant, const InputFrame& input, std::uint32_t client_seq);
  // Appends an event from outside the engine and stores it before returning its seq.
  Result<std::uint64_t> record(const std::string& type, const std::string& payload_json);
  // Ends the session: the log is closed and flushed, clients are told why.
  Status end(const std::string& reason, SessionStatus status);

  const std::string& id() const { return record_.id; }
  SessionRecord record() const;
  struct ParticipantInfo {
    int number;
    std::string username;
    std::string role;
    bool present;
  };
  std::vector<ParticipantInfo> participants();
  std::uint64_t tick();

 private:
  struct ClientSlot {
    std::weak_ptr<SessionClient> client;
    int participant = 0;
    bool need_keyframe = true;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::vector<wire::BodyPose> last_sent;
  };

  void schedule();
  void run_frame();
  // Takes the ticks that wall time says are due.
  void catch_up_locked();
  Status flush_locked();
  void fan_out_locked();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer timer_;
  RecordStore& store_;
  SessionRecord record_;
  LiveSessionSettings settings_;

  std::mutex mu_;
  Session session_;
  FixedStepClock clock_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point next_frame_;
  std::vector<Event> unsaved_;  // drained but not yet stored (the store was failing)
  bool store_failing_ = false;
  std::vector<ClientSlot> clients_;
  std::vector<wire::BodyPose> changed_;  // reused every frame
  bool ended_ = false;
};

class SessionHub {
 public:
  SessionHub(boost::asio::io_context& io, RecordStore& store, LiveSessionSettings settings)
      : io_(io), store_(store), settings_(settings) {}

  Result<std::shared_ptr<LiveSession>> start(const SessionRecord& record);
  std::shared_ptr<LiveSession> find(const std::string& id);
  Status end(const std::string& id, const std::string& reason);
  void end_all(const std::string& reason);
  std::size_t size();

 private:
  boost::asio::io_context& io_;
  RecordStore& store_;
  LiveSessionSettings settings_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<LiveSession>> sessions_;
};

// After a crash, sessions left `running` in the store are closed: their log
// gets a final `session_ended` event and their status becomes ended_abnormally.
Result<int> close_abandoned_sessions(RecordStore& store);

std::vector<EventRecord> to_records(const std::string& session_id, const std::vector<Event>& events);

}  // namespace medvision
