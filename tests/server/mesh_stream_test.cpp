// Deformable meshes, cameras and contact forces on the wire (protocol v2,
// docs/protocol.md), end to end over real WebSockets:
//
// 1. A small test module whose membrane moves by a formula of the tick and
//    is cut at known ticks runs in a LiveSession; a WebSocket client rebuilds
//    the membrane from the KEYFRAME, MESH and SNAPSHOT frames and must match
//    the formula at each snapshot's tick within one quantum, and read the
//    module's hand forces for that tick.
// 2. The real `medvision` binary runs a laparoscopy peg-transfer session; its
//    keyframe carries the laparoscope, and when the right instrument is
//    pushed into the pegboard the contact force reaches the participant
//    holding the instruments (and only that participant).
//
// Frames are decoded here from docs/protocol.md, not with the server's codec.

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <numbers>
#include <set>
#include <thread>

#include "server/live_session.h"
#include "server_process.h"
#include "store/record_store.h"

namespace medvision::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr std::uint8_t kKeyframe = 0x10, kSnapshot = 0x11, kEvents = 0x12, kMesh = 0x14;

// ---------------------------------------------------------------- frames, from docs/protocol.md

class Cursor {
 public:
  explicit Cursor(const std::string& f, std::size_t at = 0) : f_(f), at_(at) {}
  std::uint32_t u32() {
    std::uint32_t v;
    std::memcpy(&v, take(4), 4);
    return v;
  }
  std::uint16_t u16() {
    std::uint16_t v;
    std::memcpy(&v, take(2), 2);
    return v;
  }
  float f32() {
    float v;
    std::memcpy(&v, take(4), 4);
    return v;
  }
  std::string text(std::size_t n) { return std::string(take(n), n); }
  void skip(std::size_t n) { take(n); }
  std::size_t left() const { return f_.size() - at_; }

 private:
  const char* take(std::size_t n) {
    if (at_ + n > f_.size()) throw std::runtime_error("frame overrun");
    const char* p = f_.data() + at_;
    at_ += n;
    return p;
  }
  const std::string& f_;
  std::size_t at_;
};

struct WireMesh {
  std::uint32_t id = 0, version = 0;
  std::string name;
  float min[3] = {}, max[3] = {};
  std::vector<std::uint16_t> q;  // x, y, z per vertex
  std::vector<std::uint32_t> triangles;
};

WireMesh read_mesh(Cursor& c) {
  WireMesh m;
  m.id = c.u32();
  m.version = c.u32();
  c.skip(16);  // colour
  for (float& v : m.min) v = c.f32();
  for (float& v : m.max) v = c.f32();
  const std::uint32_t vertices = c.u32(), triangles = c.u32(), name = c.u32();
  m.name = c.text(name);
  m.q.resize(3 * std::size_t{vertices});
  for (auto& v : m.q) v = c.u16();
  m.triangles.resize(3 * std::size_t{triangles});
  for (auto& t : m.triangles) t = c.u32();
  return m;
}

struct WireCamera {
  std::string name;
  float position[3] = {}, orientation[4] = {}, fov = 0;
};

struct Keyframe {
  std::uint32_t participant = 0;
  std::vector<WireMesh> meshes;
  std::vector<WireCamera> cameras;
};

Keyframe read_keyframe(const std::string& f) {
  Cursor c(f, 12);
  Keyframe k;
  c.u32();  // ack
  k.participant = c.u32();
  c.skip(52 * std::size_t{c.u32()});  // bodies
  for (std::uint32_t n = c.u32(); n > 0; --n) k.meshes.push_back(read_mesh(c));
  for (std::uint32_t n = c.u32(); n > 0; --n) {
    WireCamera cam;
    c.u32();  // id
    for (float& v : cam.position) v = c.f32();
    for (float& v : cam.orientation) v = c.f32();
    cam.fov = c.f32();
    cam.name = c.text(c.u32());
    k.cameras.push_back(cam);
  }
  EXPECT_EQ(c.left(), 0u);
  return k;
}

struct Delta {
  std::uint32_t id = 0, version = 0;
  std::vector<std::uint32_t> vertices;
  std::vector<std::uint16_t> q;
};

struct Snapshot {
  std::vector<Delta> deltas;
  bool has_forces = false;
  float left_N = 0, right_N = 0;
};

Snapshot read_snapshot(const std::string& f) {
  Cursor c(f, 12);
  Snapshot s;
  c.u32();                            // ack
  c.skip(32 * std::size_t{c.u32()});  // moved bodies
  for (std::uint32_t n = c.u32(); n > 0; --n) {
    Delta d;
    d.id = c.u32();
    d.version = c.u32();
    for (std::uint32_t k = c.u32(); k > 0; --k) {
      d.vertices.push_back(c.u32());
      for (int a = 0; a < 3; ++a) d.q.push_back(c.u16());
    }
    s.deltas.push_back(std::move(d));
  }
  s.has_forces = (c.u32() & 1u) != 0;
  s.left_N = c.f32();
  s.right_N = c.f32();
  EXPECT_EQ(c.left(), 0u);
  return s;
}

std::uint8_t type_of(const std::string& f) { return static_cast<std::uint8_t>(f.at(1)); }
std::uint32_t tick_of(const std::string& f) {
  std::uint32_t t;
  std::memcpy(&t, f.data() + 4, 4);
  return t;
}

// ---------------------------------------------------------------- the test module

// A 16 x 16 membrane over x, z in [-0.075, 0.075] m. Its right half (x > 0)
// waves, y = 1 + 0.04 sin(2 pi 1.5 t + 30 x) at t = ticks / 1000 s; its left
// half stays flat. At 0.25 s and 0.5 s a cut removes the triangles of one
// more column of cells. Hand forces: left 0.002 N per tick, right 3 N.
constexpr int kGrid = 16;
constexpr double kSpacing = 0.01;
constexpr std::uint64_t kCutTicks[] = {250, 500};

double wave_y(double x, std::uint64_t ticks) {
  if (x <= 0) return 1.0;
  const double t = static_cast<double>(ticks) / 1000.0;
  return 1.0 + 0.04 * std::sin(2 * std::numbers::pi * 1.5 * t + 30 * x);
}
double grid_x(int i) { return (i - (kGrid - 1) / 2.0) * kSpacing; }

int cuts_by(std::uint64_t ticks) {
  int n = 0;
  for (std::uint64_t c : kCutTicks) n += ticks >= c ? 1 : 0;
  return n;
}
// Cells of column `cuts_by` and lower (from the left edge) are gone.
std::size_t triangles_after(int cuts) { return 2u * (kGrid - 1) * (kGrid - 1 - cuts); }

class MembraneModule final : public SessionModule {
 public:
  MembraneModule() {
    mesh_[0].id = 900;
    mesh_[0].name = "membrane";
    mesh_[0].colour = {0.8f, 0.3f, 0.3f, 1.0f};
    mesh_[0].bounds_min = {-0.1f, 0.9f, -0.1f};
    mesh_[0].bounds_max = {0.1f, 1.1f, 0.1f};
    mesh_[0].positions.resize(3 * kGrid * kGrid);
    shape(0);
    rebuild_triangles();
  }
  void start(const EventSink&) override {}
  void step(Tick tick, const EventSink&) override {
    ticks_ = tick + 1;  // the state after this tick
    shape(ticks_);
    if (cuts_by(ticks_) != cuts_) {
      cuts_ = cuts_by(ticks_);
      ++mesh_[0].topology_version;
      rebuild_triangles();
    }
  }
  Status act(const ModuleAction&, const EventSink&) override { return {}; }
  Status instruct(InstructorControl, const std::string&, const EventSink&) override { return {}; }
  std::span<const SceneMesh> meshes() const override { return mesh_; }
  std::optional<HandForces> hand_forces(int) const override {
    return HandForces{static_cast<float>(0.002 * static_cast<double>(ticks_)), 3.0f};
  }
  bool finished() const override { return false; }
  std::uint64_t state_hash() const override { return ticks_; }

 private:
  void shape(std::uint64_t ticks) {
    for (int j = 0; j < kGrid; ++j) {
      for (int i = 0; i < kGrid; ++i) {
        float* p = &mesh_[0].positions[3 * static_cast<std::size_t>(j * kGrid + i)];
        p[0] = static_cast<float>(grid_x(i));
        p[1] = static_cast<float>(wave_y(grid_x(i), ticks));
        p[2] = static_cast<float>(grid_x(j));
      }
    }
  }
  void rebuild_triangles() {
    auto& t = mesh_[0].triangles;
    t.clear();
    for (int j = 0; j + 1 < kGrid; ++j) {
      for (int i = cuts_; i + 1 < kGrid; ++i) {
        const auto a = static_cast<std::uint32_t>(j * kGrid + i);
        const auto g = static_cast<std::uint32_t>(kGrid);
        t.insert(t.end(), {a, a + g, a + 1, a + 1, a + g, a + g + 1});
      }
    }
  }
  std::array<SceneMesh, 1> mesh_;
  std::uint64_t ticks_ = 0;
  int cuts_ = 0;
};

// ---------------------------------------------------------------- a WebSocket transport for the
// test

// Accepts one WebSocket connection and joins it to a LiveSession; frames the
// session sends are written by a thread of its own, as the server's
// connection writes them from its queue.
class TestConnection : public SessionClient {
 public:
  explicit TestConnection(tcp::socket socket) : ws_(std::move(socket)) {
    ws_.accept();
    ws_.binary(true);
    writer_ = std::thread([this] { write_loop(); });
  }
  ~TestConnection() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    writer_.join();
  }
  void send(std::shared_ptr<const std::string> frame) override {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(frame));
    }
    cv_.notify_all();
  }
  void close(std::uint16_t, const std::string&) override { send(nullptr); }
  bool backlogged() const override {
    std::lock_guard lock(mu_);
    return queue_.size() > 16;
  }

 private:
  void write_loop() {
    for (;;) {
      std::shared_ptr<const std::string> frame;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        frame = queue_.front();
        queue_.pop_front();
      }
      beast::error_code ec;
      if (!frame) {
        // Hang up without the close handshake, which would wait for a peer
        // that may have stopped reading (a failed test).
        ws_.next_layer().shutdown(tcp::socket::shutdown_both, ec);
        return;
      }
      ws_.write(net::buffer(*frame), ec);
      if (ec) return;
    }
  }
  websocket::stream<tcp::socket> ws_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool stop_ = false;
  std::thread writer_;
};

class MembraneSession : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open_store("sqlite:" + dir_.path() + "/test.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->migrate().ok());
    record_.id = "ses_membrane";
    record_.title = "membrane";
    record_.kind = "test/membrane";
    record_.created_by = "usr_1";
    ASSERT_TRUE(store_->create_session(record_).ok());
    LiveSessionSettings settings;
    settings.tick_rate_hz = 1000.0;
    settings.snapshot_rate_hz = 90.0;
    live_ = std::make_shared<LiveSession>(io_, *store_, record_, settings,
                                          std::make_unique<MembraneModule>());
    live_->set_driver("usr_1");  // the test's hand drives the module
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    // The session starts when the client has connected, so the test sees its first ticks.
    server_ = std::thread([this] {
      tcp::socket socket(accept_io_);
      acceptor_.accept(socket);
      connection_ = std::make_shared<TestConnection>(std::move(socket));
      UserRecord user;
      user.id = "usr_1";
      user.username = "tess";
      ASSERT_TRUE(live_->join(connection_, user, SessionRole::driver, "").ok());
      ASSERT_TRUE(live_->start().ok());
    });
    io_thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_.joinable()) server_.join();
    (void)live_->end("test over", SessionStatus::ended);
    work_.reset();
    io_.stop();
    io_thread_.join();
    connection_.reset();
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  void hang_up() {
    (void)live_->end("test over", SessionStatus::ended);
    if (connection_) connection_->close(1000, "");
  }

  TempDir dir_;
  std::unique_ptr<RecordStore> store_;
  SessionRecord record_;
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_ = net::make_work_guard(io_);
  net::io_context accept_io_;
  tcp::acceptor acceptor_{accept_io_};
  std::shared_ptr<LiveSession> live_;
  std::shared_ptr<TestConnection> connection_;
  std::thread server_, io_thread_;
};

double quantum(const WireMesh& m, int axis) { return (m.max[axis] - m.min[axis]) / 65535.0; }
double dequantise(const WireMesh& m, int axis, std::uint16_t q) {
  return m.min[axis] + q * quantum(m, axis);
}

TEST_F(MembraneSession, AClientRebuildsTheMovingCutMembraneWithinOneQuantumAndGetsTheHandForces) {
  WsClient ws(port(), record_.id, "no token: the test transport takes any");
  // However the test leaves, the server hangs up before the client closes.
  struct HangUp {
    std::function<void()> hang_up;
    ~HangUp() { hang_up(); }
  } guard{[this] { hang_up(); }};
  std::optional<WireMesh> mesh;
  int snapshots = 0, checked_vertices = 0, topology_frames = 0;
  std::set<std::uint32_t> versions_seen;
  double worst = 0;  // in quanta
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline &&
         (snapshots < 40 || versions_seen.size() < 3)) {
    auto frame = ws.read(2.0);
    ASSERT_TRUE(frame) << "the session stopped sending";
    ASSERT_EQ(static_cast<std::uint8_t>((*frame)[0]), 2) << "protocol version 2";
    const std::uint32_t tick = tick_of(*frame);
    switch (type_of(*frame)) {
      case kKeyframe: {
        const Keyframe k = read_keyframe(*frame);
        ASSERT_EQ(k.meshes.size(), 1u);
        EXPECT_TRUE(k.cameras.empty());
        mesh = k.meshes[0];
        EXPECT_EQ(mesh->name, "membrane");
        EXPECT_EQ(mesh->q.size(), 3u * kGrid * kGrid);
        versions_seen.insert(mesh->version);
        break;
      }
      case kMesh: {
        ASSERT_TRUE(mesh) << "a MESH frame before the keyframe";
        Cursor c(*frame, 12);
        const WireMesh cut = read_mesh(c);
        EXPECT_EQ(c.left(), 0u);
        EXPECT_EQ(cut.id, mesh->id);
        EXPECT_GT(cut.version, mesh->version);
        EXPECT_EQ(cut.triangles.size(), 3 * triangles_after(cuts_by(tick)))
            << "the triangles the module has at tick " << tick;
        mesh = cut;
        versions_seen.insert(cut.version);
        ++topology_frames;
        break;
      }
      case kSnapshot: {
        ASSERT_TRUE(mesh) << "a SNAPSHOT before the keyframe";
        const Snapshot s = read_snapshot(*frame);
        for (const Delta& d : s.deltas) {
          ASSERT_EQ(d.id, mesh->id);
          ASSERT_EQ(d.version, mesh->version) << "deltas index the topology last sent";
          for (std::size_t k = 0; k < d.vertices.size(); ++k) {
            const std::uint32_t v = d.vertices[k];
            ASSERT_LT(v, mesh->q.size() / 3);
            if (k > 0) {
              EXPECT_GT(v, d.vertices[k - 1]);
            }
            // Only vertices that moved: the flat left half never does.
            EXPECT_GT(grid_x(static_cast<int>(v % kGrid)), 0.0) << "vertex " << v << " is still";
            bool changed = false;
            for (int a = 0; a < 3; ++a) {
              changed = changed || mesh->q[3 * v + a] != d.q[3 * k + a];
              mesh->q[3 * v + a] = d.q[3 * k + a];
            }
            EXPECT_TRUE(changed) << "vertex " << v << " was sent without moving a quantum";
          }
        }
        // The client's membrane against the formula at this snapshot's tick.
        for (int j = 0; j < kGrid; ++j) {
          for (int i = 0; i < kGrid; ++i) {
            const std::size_t v = static_cast<std::size_t>(j * kGrid + i);
            const double expected[3] = {grid_x(i), wave_y(grid_x(i), tick), grid_x(j)};
            for (int a = 0; a < 3; ++a) {
              const double error =
                  std::abs(dequantise(*mesh, a, mesh->q[3 * v + a]) - expected[a]) /
                  quantum(*mesh, a);
              worst = std::max(worst, error);
              ASSERT_LE(error, 1.0) << "vertex " << v << " axis " << a << " at tick " << tick;
            }
            ++checked_vertices;
          }
        }
        EXPECT_TRUE(s.has_forces);
        EXPECT_EQ(s.left_N, static_cast<float>(0.002 * tick)) << "at tick " << tick;
        EXPECT_EQ(s.right_N, 3.0f);
        ++snapshots;
        break;
      }
      case kEvents:
        break;
      default:
        FAIL() << "unexpected frame type " << int(type_of(*frame));
    }
  }
  EXPECT_GE(snapshots, 40);
  EXPECT_EQ(versions_seen, (std::set<std::uint32_t>{0, 1, 2})) << "the keyframe and two cuts";
  EXPECT_EQ(topology_frames, 2);
  // Ending the session hangs up on the client.
  ASSERT_TRUE(live_->end("test over", SessionStatus::ended).ok());
  for (int i = 0; i < 1000 && ws.read(2.0); ++i) {
  }
  EXPECT_TRUE(ws.closed());
  std::printf("membrane: %d snapshots, %d vertex checks, worst error %.3f quantum\n", snapshots,
              checked_vertices, worst);
}

// ---------------------------------------------------------------- the laparoscopy module, live

const std::string kAdminPassword = "admin password for tests";

void put_u32(std::string& f, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) f.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_f32(std::string& f, float v) {
  std::uint32_t bits;
  std::memcpy(&bits, &v, 4);
  put_u32(f, bits);
}

// An INPUT frame (docs/protocol.md) with both hands holding handles.
std::string hands_frame(std::uint32_t seq, const double left[3], const double right[3]) {
  std::string f;
  f.push_back(2);
  f.push_back(0x01);
  f.append(2, '\0');
  put_u32(f, 0);
  put_u32(f, seq);
  for (float v : {0.0f, 1.6f, 0.45f, 0.0f, 0.0f, 0.0f, 1.0f}) put_f32(f, v);
  for (const double* hand : {left, right}) {
    for (int i = 0; i < 3; ++i) put_f32(f, static_cast<float>(hand[i]));
    for (float v : {0.0f, 0.0f, 0.0f, 1.0f}) put_f32(f, v);
    put_u32(f, 0);
  }
  return f;
}

// The handle position that puts an instrument's tip at `tip` through its port
// (a remote centre of motion: the shaft is straight through the fulcrum and
// 0.36 m long; docs/laparoscopy.md).
void handle_for(const double fulcrum[3], const double tip[3], double out[3]) {
  double d[3], n = 0;
  for (int i = 0; i < 3; ++i) {
    d[i] = tip[i] - fulcrum[i];
    n += d[i] * d[i];
  }
  n = std::sqrt(n);
  for (int i = 0; i < 3; ++i) out[i] = fulcrum[i] - (0.36 - n) * d[i] / n;
}

TEST(LaparoscopyLive, TheKeyframeShowsTheLaparoscopeAndTheDriverFeelsTheInstrumentPressOnAnObject) {
  TempDir dir;
  ServerProcess server(
      dir.path(),
      std::vector<std::string>{"--content", std::string(MEDVISION_SOURCE_DIR) + "/content"},
      std::map<std::string, std::string>{{"MEDVISION_ADMIN_PASSWORD", kAdminPassword}});
  const std::string admin = login(server.port(), "admin", kAdminPassword);
  const auto created =
      http_request(server.port(), "POST", "/api/sessions",
                   json{{"title", "pegs"}, {"kind", "laparoscopy/peg-transfer"}}.dump(), admin);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];

  auto first_of = [](WsClient& ws, std::uint8_t type) -> std::optional<std::string> {
    for (int i = 0; i < 200; ++i) {
      auto f = ws.read(2.0);
      if (!f) return std::nullopt;
      if (type_of(*f) == type) return f;
    }
    return std::nullopt;
  };
  // The same user's first connection holds the instruments, the second
  // watches: the watcher connects only once the server has joined the driver
  // (its keyframe came), so the two joins cannot swap.
  WsClient driver(server.port(), id, admin);
  const auto key = first_of(driver, kKeyframe);
  ASSERT_TRUE(key);
  WsClient watcher(server.port(), id, admin);
  const Keyframe k = read_keyframe(*key);
  ASSERT_EQ(k.cameras.size(), 1u);
  const WireCamera& scope = k.cameras[0];
  EXPECT_EQ(scope.name, "laparoscope");
  // The box trainer's scope sits at (0, 1.02, 0.16) and looks at the board's
  // centre (0, 0.80, -0.01): its -Z axis, rotated by its orientation, points there.
  EXPECT_NEAR(scope.position[1], 1.02, 1e-6);
  EXPECT_NEAR(scope.position[2], 0.16, 1e-6);
  const Eigen::Quaterniond q(scope.orientation[3], scope.orientation[0], scope.orientation[1],
                             scope.orientation[2]);
  const Eigen::Vector3d forward = q * Eigen::Vector3d(0, 0, -1);
  const Eigen::Vector3d wanted = Eigen::Vector3d(0, 0.80 - 1.02, -0.01 - 0.16).normalized();
  EXPECT_GT(forward.dot(wanted), 0.9999);
  EXPECT_NEAR((q * Eigen::Vector3d::UnitX()).y(), 0.0, 1e-6) << "the image is level";
  EXPECT_GT(scope.fov, 0.5);
  EXPECT_TRUE(k.meshes.empty());

  // The six objects rest on the left pegs (docs/laparoscopy.md; sim/pegboard.h):
  // the first on the peg at (-0.04, 0.80, 0), unturned, 10 mm thick, a ring
  // whose hole's inradius is 4.6 mm and outer inradius 8.1 mm, one corner
  // towards +z: its far bar crosses z = -6.4 mm. Hold the right instrument at
  // rest and bring the left tip down onto that bar, from 3 cm above its top to
  // 4 mm into it (the board is underneath), in 1.2 s, then hold it there.
  const double left_port[3] = {-0.10, 1.0, 0.12}, right_port[3] = {0.10, 1.0, 0.12};
  const double bar[3] = {-0.04, 0.81, -0.0064};
  const double target[3] = {0, 0.82, -0.01};
  const double port_to_target = std::sqrt(0.1 * 0.1 + 0.18 * 0.18 + 0.13 * 0.13);
  double right_tip[3], right_handle[3];
  for (int i = 0; i < 3; ++i)
    right_tip[i] = right_port[i] + 0.16 * (target[i] - right_port[i]) / port_to_target;
  handle_for(right_port, right_tip, right_handle);
  const double above[3] = {bar[0], bar[1] + 0.03, bar[2]};
  const double into[3] = {bar[0], bar[1] - 0.004, bar[2]};
  std::uint32_t seq = 0;
  float most = 0;
  int with_forces = 0, without_forces = 0;
  bool watcher_got_forces = false;
  for (int step = 0; step <= 150; ++step) {
    const double s = std::min(1.0, step / 110.0);
    double tip[3], handle[3];
    for (int i = 0; i < 3; ++i) tip[i] = above[i] + s * (into[i] - above[i]);
    handle_for(left_port, tip, handle);
    driver.send_binary(hands_frame(++seq, handle, right_handle));
    for (int r = 0; r < 3; ++r) {
      auto f = driver.read(0.5);
      if (f && type_of(*f) == kSnapshot) {
        const Snapshot snap = read_snapshot(*f);
        (snap.has_forces ? with_forces : without_forces) += 1;
        most = std::max(most, snap.left_N);
      }
    }
  }
  // The watcher's frames queued meanwhile (a WsClient read that times out ends its connection).
  int watcher_snapshots = 0;
  for (int i = 0; i < 400; ++i) {
    auto w = watcher.read(2.0);
    if (!w) break;
    if (type_of(*w) != kSnapshot) continue;
    ++watcher_snapshots;
    watcher_got_forces |= read_snapshot(*w).has_forces;
  }
  EXPECT_GT(watcher_snapshots, 10);
  // Forces come once the first input made this participant the driver.
  EXPECT_GT(with_forces, 100);
  EXPECT_LT(without_forces, 5);
  EXPECT_GT(most, 0.5f) << "the left instrument pressed on an object: a force the hand can feel";
  EXPECT_FALSE(watcher_got_forces) << "a watcher holds no instruments";

  // The log's tool samples saw a force on the left tool too.
  const auto events =
      http_request(server.port(), "GET", "/api/sessions/" + id + "/events?limit=10000", "", admin);
  ASSERT_EQ(events.status, 200);
  const json all = events.json();
  const json& list = all.is_array() ? all : all["events"];
  double logged = 0;
  for (const auto& e : list) {
    if (e["type"] == "tool_sample")
      logged = std::max(logged, e["payload"]["left"]["force_N"].get<double>());
  }
  // Sampled at 20 Hz, so it need not catch the peak the 90 Hz snapshots carried.
  EXPECT_GT(logged, 0.1);
  std::printf("laparoscopy: largest left-hand force on the wire %.2f N, in tool samples %.2f N\n",
              static_cast<double>(most), logged);
}

}  // namespace
}  // namespace medvision::testing
