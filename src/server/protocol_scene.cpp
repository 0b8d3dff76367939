// The wire protocol's scene frames: KEYFRAME, SNAPSHOT and MESH (bodies,
// deformable meshes quantised to 16 bits, cameras), encoded and decoded.

#include <algorithm>
#include <cmath>

#include "core/utf8.h"
#include "server/protocol.h"
#include "server/wire_io.h"

namespace medvision::wire {

using detail::malformed;
using detail::read_pose;
using detail::Reader;
using detail::Writer;

BodyPose body_pose(const WorldModel& model, const WorldState& state, std::size_t index) {
  const auto& p = state.bodies[index].pose;
  BodyPose out;
  out.id = model.bodies[index].id;
  for (int i = 0; i < 3; ++i) out.position[i] = static_cast<float>(p.position[i]);
  out.orientation[0] = static_cast<float>(p.orientation.x());
  out.orientation[1] = static_cast<float>(p.orientation.y());
  out.orientation[2] = static_cast<float>(p.orientation.z());
  out.orientation[3] = static_cast<float>(p.orientation.w());
  return out;
}

std::uint16_t quantise(float value, float lo, float hi) {
  if (!(hi > lo) || !std::isfinite(value)) return 0;
  // Computed in double so that the browser (whose numbers are doubles) gets
  // the same integer for the same f32 inputs.
  const double t = (static_cast<double>(value) - lo) / (static_cast<double>(hi) - lo);
  const double q = std::round(t * kQuantumSteps);
  return static_cast<std::uint16_t>(std::clamp(q, 0.0, static_cast<double>(kQuantumSteps)));
}

float dequantise(std::uint16_t q, float lo, float hi) {
  if (!(hi > lo)) return lo;
  return static_cast<float>(lo + (static_cast<double>(hi) - lo) * q / kQuantumSteps);
}

void quantise_positions(const SceneMesh& mesh, std::vector<std::uint16_t>& out) {
  out.resize(mesh.positions.size());
  for (std::size_t i = 0; i < mesh.positions.size(); ++i) {
    const std::size_t axis = i % 3;
    out[i] = quantise(mesh.positions[i], mesh.bounds_min[axis], mesh.bounds_max[axis]);
  }
}

MeshTopology mesh_topology(const SceneMesh& mesh) {
  MeshTopology out;
  out.id = mesh.id;
  out.topology_version = mesh.topology_version;
  out.colour = mesh.colour;
  out.bounds_min = mesh.bounds_min;
  out.bounds_max = mesh.bounds_max;
  // Names are labels: cut to the wire's limit on a character boundary.
  std::size_t n = std::min(mesh.name.size(), kMaxNameBytes);
  while (n > 0 && n < mesh.name.size() && (static_cast<unsigned char>(mesh.name[n]) & 0xc0) == 0x80)
    --n;
  out.name = mesh.name.substr(0, n);
  quantise_positions(mesh, out.quantised);
  out.triangles = mesh.triangles;
  return out;
}

CameraView camera_view(const SceneCamera& camera) {
  CameraView out;
  out.id = camera.id;
  out.name = camera.name.substr(0, kMaxNameBytes);
  for (int i = 0; i < 3; ++i) out.position[i] = static_cast<float>(camera.pose.position[i]);
  const Eigen::Quaterniond q = camera.pose.orientation.normalized();
  out.orientation[0] = static_cast<float>(q.x());
  out.orientation[1] = static_cast<float>(q.y());
  out.orientation[2] = static_cast<float>(q.z());
  out.orientation[3] = static_cast<float>(q.w());
  out.vertical_fov_rad = camera.vertical_fov_rad;
  return out;
}

namespace {

void write_mesh(Writer& w, const MeshTopology& m) {
  w.u32(m.id);
  w.u32(m.topology_version);
  for (float v : m.colour) w.f32(v);
  for (float v : m.bounds_min) w.f32(v);
  for (float v : m.bounds_max) w.f32(v);
  w.u32(static_cast<std::uint32_t>(m.quantised.size() / 3));
  w.u32(static_cast<std::uint32_t>(m.triangles.size() / 3));
  w.u32(static_cast<std::uint32_t>(m.name.size()));
  w.bytes(m.name);
  for (std::uint16_t q : m.quantised) w.u16(q);
  for (std::uint32_t t : m.triangles) w.u32(t);
}

std::size_t mesh_bytes(const MeshTopology& m) {
  return kMeshFixedBytes + m.name.size() + 2 * m.quantised.size() + 4 * m.triangles.size();
}

void write_camera(Writer& w, const CameraView& c) {
  w.u32(c.id);
  for (float v : c.position) w.f32(v);
  for (float v : c.orientation) w.f32(v);
  w.f32(c.vertical_fov_rad);
  w.u32(static_cast<std::uint32_t>(c.name.size()));
  w.bytes(c.name);
}

void write_body_record(Writer& w, const KeyframeBody& b) {
  w.u32(b.pose.id);
  w.u8(b.shape);
  w.u8(0);
  w.u8(0);
  w.u8(0);
  for (float v : b.size) w.f32(v);
  w.u32(b.rgba);
  for (float v : b.pose.position) w.f32(v);
  for (float v : b.pose.orientation) w.f32(v);
}

void write_keyframe_tail(Writer& w, std::span<const MeshTopology> meshes,
                         std::span<const CameraView> cameras) {
  w.u32(static_cast<std::uint32_t>(meshes.size()));
  for (const auto& m : meshes) write_mesh(w, m);
  w.u32(static_cast<std::uint32_t>(cameras.size()));
  for (const auto& c : cameras) write_camera(w, c);
}

std::size_t keyframe_tail_bytes(std::span<const MeshTopology> meshes,
                                std::span<const CameraView> cameras) {
  std::size_t n = 8;
  for (const auto& m : meshes) n += mesh_bytes(m);
  for (const auto& c : cameras) n += kCameraFixedBytes + c.name.size();
  return n;
}

}  // namespace

std::string encode_keyframe(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            std::uint32_t participant, const WorldModel& model,
                            const WorldState& state, std::span<const MeshTopology> meshes,
                            std::span<const CameraView> cameras) {
  const std::size_t n = model.bodies.size();
  Writer w(kHeaderBytes + 12 + n * kKeyframeBodyRecordBytes + keyframe_tail_bytes(meshes, cameras));
  w.header(MessageType::keyframe, tick, seq);
  w.u32(ack);
  w.u32(participant);
  w.u32(static_cast<std::uint32_t>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const BodyModel& b = model.bodies[i];
    KeyframeBody record;
    record.pose = body_pose(model, state, i);
    record.shape = static_cast<std::uint8_t>(b.shape);
    for (int k = 0; k < 3; ++k)
      record.size[static_cast<std::size_t>(k)] = static_cast<float>(b.half_extents[k]);
    record.rgba = b.rgba;
    write_body_record(w, record);
  }
  write_keyframe_tail(w, meshes, cameras);
  return w.take();
}

std::string encode_snapshot(std::uint32_t tick, std::uint32_t seq, std::uint32_t ack,
                            const std::vector<BodyPose>& changed, std::span<const MeshDelta> meshes,
                            const HandForcesOnWire& forces) {
  std::size_t size = kHeaderBytes + 8 + changed.size() * kSnapshotRecordBytes + 4 + 12;
  for (const auto& d : meshes) size += 12 + d.vertices.size() * kVertexDeltaBytes;
  Writer w(size);
  w.header(MessageType::snapshot, tick, seq);
  w.u32(ack);
  w.u32(static_cast<std::uint32_t>(changed.size()));
  for (const auto& b : changed) {
    w.u32(b.id);
    for (float v : b.position) w.f32(v);
    for (float v : b.orientation) w.f32(v);
  }
  w.u32(static_cast<std::uint32_t>(meshes.size()));
  for (const auto& d : meshes) {
    w.u32(d.id);
    w.u32(d.topology_version);
    w.u32(static_cast<std::uint32_t>(d.vertices.size()));
    for (std::size_t i = 0; i < d.vertices.size(); ++i) {
      w.u32(d.vertices[i]);
      for (std::size_t k = 0; k < 3; ++k) w.u16(d.quantised[3 * i + k]);
    }
  }
  w.u32(forces.present ? 1u : 0u);
  w.f32(forces.present ? forces.left_N : 0.0f);
  w.f32(forces.present ? forces.right_N : 0.0f);
  return w.take();
}

std::string encode_mesh(std::uint32_t tick, std::uint32_t seq, const MeshTopology& mesh) {
  Writer w(kHeaderBytes + mesh_bytes(mesh));
  w.header(MessageType::mesh, tick, seq);
  write_mesh(w, mesh);
  return w.take();
}

namespace {

// Reads a float that must be finite.
bool finite_f32(Reader& r, float* out) {
  *out = r.f32();
  return std::isfinite(*out);
}

Result<std::string> read_name(Reader& r, std::uint32_t length, const std::string& where) {
  if (length > kMaxNameBytes)
    return malformed(where + ": name of " + std::to_string(length) + " bytes is longer than " +
                     std::to_string(kMaxNameBytes));
  if (r.remaining() < length) return malformed(where + ": name overruns the frame");
  std::string name(r.bytes(length));
  if (!is_valid_utf8(name)) return malformed(where + ": name is not valid UTF-8");
  return name;
}

Result<MeshTopology> read_mesh(Reader& r, const std::string& where) {
  if (r.remaining() < kMeshFixedBytes)
    return malformed(where + " overruns the frame (a mesh record needs " +
                     std::to_string(kMeshFixedBytes) + " bytes before its name)");
  MeshTopology m;
  m.id = r.u32();
  m.topology_version = r.u32();
  for (float& v : m.colour)
    if (!finite_f32(r, &v)) return malformed(where + ": colour has a non-finite number");
  for (float& v : m.bounds_min)
    if (!finite_f32(r, &v)) return malformed(where + ": bounds have a non-finite number");
  for (float& v : m.bounds_max)
    if (!finite_f32(r, &v)) return malformed(where + ": bounds have a non-finite number");
  for (std::size_t k = 0; k < 3; ++k) {
    if (m.bounds_max[k] < m.bounds_min[k]) return malformed(where + ": bounds max is below min");
  }
  const std::uint32_t vertices = r.u32();
  const std::uint32_t triangles = r.u32();
  const std::uint32_t name_bytes = r.u32();
  if (vertices > kMaxMeshVertices)
    return malformed(where + ": " + std::to_string(vertices) + " vertices is more than " +
                     std::to_string(kMaxMeshVertices));
  if (triangles > kMaxMeshTriangles)
    return malformed(where + ": " + std::to_string(triangles) + " triangles is more than " +
                     std::to_string(kMaxMeshTriangles));
  auto name = read_name(r, name_bytes, where);
  if (!name.ok()) return name.error();
  m.name = std::move(*name);
  const std::size_t need = 6 * std::size_t{vertices} + 12 * std::size_t{triangles};
  if (r.remaining() < need)
    return malformed(where + ": " + std::to_string(vertices) + " vertices and " +
                     std::to_string(triangles) + " triangles overrun the frame");
  m.quantised.resize(3 * std::size_t{vertices});
  for (auto& q : m.quantised) q = r.u16();
  m.triangles.resize(3 * std::size_t{triangles});
  for (auto& t : m.triangles) {
    t = r.u32();
    if (t >= vertices)
      return malformed(where + ": triangle index " + std::to_string(t) + " is not below its " +
                       std::to_string(vertices) + " vertices");
  }
  return m;
}

Result<CameraView> read_camera(Reader& r, const std::string& where) {
  if (r.remaining() < kCameraFixedBytes) return malformed(where + " overruns the frame");
  CameraView c;
  c.id = r.u32();
  for (float& v : c.position)
    if (!finite_f32(r, &v)) return malformed(where + ": position has a non-finite number");
  for (float& v : c.orientation)
    if (!finite_f32(r, &v)) return malformed(where + ": orientation has a non-finite number");
  if (!finite_f32(r, &c.vertical_fov_rad) || !(c.vertical_fov_rad > 0) ||
      !(c.vertical_fov_rad < 3.14159265f))
    return malformed(where + ": vertical field of view must be between 0 and pi radians");
  auto name = read_name(r, r.u32(), where);
  if (!name.ok()) return name.error();
  c.name = std::move(*name);
  return c;
}

Result<BodyPose> read_body_pose(Reader& r, const std::string& where) {
  BodyPose b;
  b.id = r.u32();
  for (float& v : b.position)
    if (!finite_f32(r, &v)) return malformed(where + " position has a non-finite number");
  for (float& v : b.orientation)
    if (!finite_f32(r, &v)) return malformed(where + " orientation has a non-finite number");
  return b;
}

// Reads a record count and checks that `count` records of at least
// `min_bytes` each could fit (so a hostile count cannot make us allocate).
Result<std::uint32_t> read_count(Reader& r, std::size_t min_bytes, const std::string& what) {
  if (r.remaining() < 4) return malformed(what + " count overruns the frame");
  const std::uint32_t n = r.u32();
  if (std::size_t{n} * min_bytes > r.remaining())
    return malformed(what + " count " + std::to_string(n) + " overruns the frame");
  return n;
}

Status read_keyframe(Reader& r, ServerSceneFrame& out) {
  if (r.remaining() < 12) return malformed("KEYFRAME body is shorter than its 12-byte fixed part");
  out.ack = r.u32();
  out.participant = r.u32();
  const std::uint32_t n = r.u32();
  if (std::size_t{n} * kKeyframeBodyRecordBytes > r.remaining())
    return malformed("KEYFRAME count " + std::to_string(n) + " overruns the frame");
  out.bodies.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::string where = "KEYFRAME body " + std::to_string(i);
    KeyframeBody& b = out.bodies[i];
    b.pose.id = r.u32();
    b.shape = r.u8();
    if (b.shape > static_cast<std::uint8_t>(Shape::prism))
      return malformed(where + ": unknown shape " + std::to_string(b.shape));
    for (int pad = 0; pad < 3; ++pad)
      if (r.u8() != 0) return malformed(where + ": padding must be 0");
    for (float& v : b.size)
      if (!finite_f32(r, &v)) return malformed(where + " size has a non-finite number");
    b.rgba = r.u32();
    for (float& v : b.pose.position)
      if (!finite_f32(r, &v)) return malformed(where + " position has a non-finite number");
    for (float& v : b.pose.orientation)
      if (!finite_f32(r, &v)) return malformed(where + " orientation has a non-finite number");
  }
  auto meshes = read_count(r, kMeshFixedBytes, "KEYFRAME mesh");
  if (!meshes.ok()) return meshes.error();
  for (std::uint32_t i = 0; i < *meshes; ++i) {
    auto m = read_mesh(r, "KEYFRAME mesh " + std::to_string(i));
    if (!m.ok()) return m.error();
    out.meshes.push_back(std::move(*m));
  }
  auto cameras = read_count(r, kCameraFixedBytes, "KEYFRAME camera");
  if (!cameras.ok()) return cameras.error();
  for (std::uint32_t i = 0; i < *cameras; ++i) {
    auto c = read_camera(r, "KEYFRAME camera " + std::to_string(i));
    if (!c.ok()) return c.error();
    out.cameras.push_back(std::move(*c));
  }
  return {};
}

Status read_snapshot(Reader& r, ServerSceneFrame& out) {
  if (r.remaining() < 8) return malformed("SNAPSHOT body is shorter than its fixed part");
  out.ack = r.u32();
  auto n = read_count(r, kSnapshotRecordBytes, "SNAPSHOT body");
  if (!n.ok()) return n.error();
  for (std::uint32_t i = 0; i < *n; ++i) {
    auto b = read_body_pose(r, "SNAPSHOT record " + std::to_string(i));
    if (!b.ok()) return b.error();
    out.moved.push_back(*b);
  }
  auto meshes = read_count(r, 12, "SNAPSHOT mesh");
  if (!meshes.ok()) return meshes.error();
  for (std::uint32_t i = 0; i < *meshes; ++i) {
    const std::string where = "SNAPSHOT mesh " + std::to_string(i);
    if (r.remaining() < 12) return malformed(where + " overruns the frame");
    MeshDelta d;
    d.id = r.u32();
    d.topology_version = r.u32();
    const std::uint32_t count = r.u32();
    if (count > kMaxMeshVertices || std::size_t{count} * kVertexDeltaBytes > r.remaining())
      return malformed(where + ": " + std::to_string(count) + " vertices overrun the frame");
    d.vertices.resize(count);
    d.quantised.resize(3 * std::size_t{count});
    for (std::uint32_t k = 0; k < count; ++k) {
      d.vertices[k] = r.u32();
      if (k > 0 && d.vertices[k] <= d.vertices[k - 1])
        return malformed(where + ": vertex indices must be strictly increasing");
      for (std::size_t a = 0; a < 3; ++a) d.quantised[3 * k + a] = r.u16();
    }
    out.deltas.push_back(std::move(d));
  }
  if (r.remaining() < 12) return malformed("SNAPSHOT has no hand forces (12 bytes at its end)");
  const std::uint32_t flags = r.u32();
  if (flags > 1) return malformed("SNAPSHOT hand force flags must be 0 or 1");
  out.forces.present = flags == 1;
  if (!finite_f32(r, &out.forces.left_N) || !finite_f32(r, &out.forces.right_N))
    return malformed("SNAPSHOT hand force has a non-finite number");
  if (out.forces.left_N < 0 || out.forces.right_N < 0)
    return malformed("SNAPSHOT hand force is negative");
  if (!out.forces.present && (out.forces.left_N != 0 || out.forces.right_N != 0))
    return malformed("SNAPSHOT hand forces must be 0 when flagged absent");
  return {};
}

}  // namespace

Result<ServerSceneFrame> decode_server_scene_frame(std::string_view frame) {
  if (frame.size() < kHeaderBytes) return malformed("server frame shorter than the header");
  Reader r(frame);
  ServerSceneFrame out;
  out.header.version = r.u8();
  const std::uint8_t type = r.u8();
  out.header.flags = r.u16();
  out.header.tick = r.u32();
  out.header.seq = r.u32();
  if (out.header.version != kVersion)
    return malformed("protocol version " + std::to_string(out.header.version) +
                     " is not supported (expected " + std::to_string(kVersion) + ")");
  if (out.header.flags != 0) return malformed("header flags must be 0");
  out.header.type = static_cast<MessageType>(type);
  Status read;
  switch (out.header.type) {
    case MessageType::keyframe:
      read = read_keyframe(r, out);
      break;
    case MessageType::snapshot:
      read = read_snapshot(r, out);
      break;
    case MessageType::mesh: {
      auto m = read_mesh(r, "MESH");
      if (!m.ok()) return m.error();
      out.meshes.push_back(std::move(*m));
      break;
    }
    default:
      return malformed("message type " + std::to_string(type) +
                       " is not a KEYFRAME, SNAPSHOT or MESH");
  }
  if (!read.ok()) return read.error();
  if (r.remaining() != 0)
    return malformed(std::to_string(r.remaining()) + " bytes left over after the frame's records");
  return out;
}

std::string encode_server_scene_frame(const ServerSceneFrame& f) {
  if (f.header.type == MessageType::mesh && f.meshes.size() == 1)
    return encode_mesh(f.header.tick, f.header.seq, f.meshes.front());
  if (f.header.type == MessageType::snapshot)
    return encode_snapshot(f.header.tick, f.header.seq, f.ack, f.moved, f.deltas, f.forces);
  Writer k(kHeaderBytes);
  k.header(MessageType::keyframe, f.header.tick, f.header.seq);
  k.u32(f.ack);
  k.u32(f.participant);
  k.u32(static_cast<std::uint32_t>(f.bodies.size()));
  for (const auto& b : f.bodies) write_body_record(k, b);
  write_keyframe_tail(k, f.meshes, f.cameras);
  return k.take();
}

}  // namespace medvision::wire
