// Fan-out: one session, N WebSocket clients on loopback, snapshots at 90 Hz.
// Each client sends an input after every snapshot it receives; the latency of
// input seq s is the time from sending it to the first snapshot whose ack is
// >= s (applied at a tick, stored in the log, sent back). Reference figures
// measured in the same run: the snapshot period (1/90 s) and the round trip
// of GET /api/health on the same server.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#include "server_process.h"

using namespace medvision::testing;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const int clients = argc > 1 ? std::atoi(argv[1]) : 16;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 10.0;
  TempDir dir;
  ServerProcess server(dir.path(), {"--threads", "2", "--max-frame-rate", "1000"},
                       {{"MEDVISION_ADMIN_PASSWORD", "benchmark password"}});
  const std::string token = login(server.port(), "admin", "benchmark password");
  const auto created = http_request(server.port(), "POST", "/api/sessions",
                                    R"({"title":"fan-out benchmark"})", token);
  const std::string id = created.json()["id"];

  std::vector<double> health_ms;
  for (int i = 0; i < 200; ++i) {
    const auto t0 = Clock::now();
    http_request(server.port(), "GET", "/api/health");
    health_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }

  std::mutex mu;
  std::vector<double> latency_ms, interval_ms;
  std::size_t snapshots = 0;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      WsClient ws(server.port(), id, token);
      std::map<std::uint32_t, Clock::time_point> sent;
      std::vector<double> my_latency, my_interval;
      std::uint32_t seq = 0;
      std::size_t my_snapshots = 0;
      Clock::time_point last_frame{};
      const float hand[3] = {0.05f * static_cast<float>(c % 8) - 0.2f, 1.3f, -0.2f};
      const auto end = Clock::now() + std::chrono::duration<double>(seconds);
      while (Clock::now() < end) {
        auto frame = ws.read(1.0);
        if (!frame) break;
        const auto now = Clock::now();
        const auto f = parse_server_frame(*frame);
        if (f.type == 0x11) {
          ++my_snapshots;
          if (last_frame != Clock::time_point{})
            my_interval.push_back(
                std::chrono::duration<double, std::milli>(now - last_frame).count());
        }
        last_frame = now;
        for (auto it = sent.begin(); it != sent.end() && it->first <= f.ack;) {
          my_latency.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
          it = sent.erase(it);
        }
        ws.send_binary(input_frame(++seq, hand, false));
        sent[seq] = Clock::now();
      }
      std::lock_guard lock(mu);
      latency_ms.insert(latency_ms.end(), my_latency.begin(), my_latency.end());
      interval_ms.insert(interval_ms.end(), my_interval.begin(), my_interval.end());
      snapshots += my_snapshots;
    });
  }
  for (auto& t : threads) t.join();

  const double period_ms = 1000.0 / 90.0;
  const double health_p50 = percentile(health_ms, 0.5);
  std::printf(
      "fan-out: %d clients, %.0f s, %zu snapshots received (%.1f per client per s; target 90)\n",
      clients, seconds, snapshots, static_cast<double>(snapshots) / clients / seconds);
  std::printf("input -> acknowledged snapshot latency: p50 %.2f ms, p99 %.2f ms (%zu samples)\n",
              percentile(latency_ms, 0.5), percentile(latency_ms, 0.99), latency_ms.size());
  std::printf("  as ratio of the snapshot period (%.2f ms): p50 %.2f, p99 %.2f\n", period_ms,
              percentile(latency_ms, 0.5) / period_ms, percentile(latency_ms, 0.99) / period_ms);
  std::printf("  as ratio of a GET /api/health round trip (p50 %.3f ms): p50 %.1f, p99 %.1f\n",
              health_p50, percentile(latency_ms, 0.5) / health_p50,
              percentile(latency_ms, 0.99) / health_p50);
  std::printf("snapshot interval: p50 %.2f ms, p99 %.2f ms\n", percentile(interval_ms, 0.5),
              percentile(interval_ms, 0.99));
  return latency_ms.empty() ? 1 : 0;
}
