// Fuzz target: an InVesalius project (.inv3) from memory. The input is read
// as given (a gzip stream) and also gzip-compressed first, so that mutations
// reach the tar headers and the property list behind the compression.

#include <zlib.h>

#include <cstdint>
#include <span>
#include <vector>

#include "imaging/invesalius_project.h"

namespace {

std::vector<std::uint8_t> gzip(const std::uint8_t* data, std::size_t size) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::vector<std::uint8_t> out(deflateBound(&z, static_cast<uLong>(size)) + 64);
  z.next_in = const_cast<Bytef*>(data);  // zlib does not write through next_in
  z.avail_in = static_cast<uInt>(size);
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&z, Z_FINISH);
  out.resize(status == Z_STREAM_END ? z.total_out : 0);
  deflateEnd(&z);
  return out;
}

void read(std::span<const std::uint8_t> bytes) {
  const auto volume = medvision::imaging::read_invesalius_project(bytes);
  if (volume.ok()) (void)volume->range();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  read(std::span<const std::uint8_t>(data, size));
  const std::vector<std::uint8_t> compressed = gzip(data, size);
  read(compressed);
  return 0;
}
