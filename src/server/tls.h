#pragma once
// TLS for `medvision serve`: a certificate from files, or a self-signed one
// made on first use and kept under the data directory (headsets on the LAN
// need a secure context for WebXR).

#include <boost/asio/ssl/context.hpp>
#include <string>

#include "core/result.h"

namespace medvision {

struct TlsFiles {
  std::string cert_path;
  std::string key_path;
  std::string sha256_fingerprint;  // of the certificate, "AB:CD:..."
};

// Makes (or reuses) <dir>/self-signed.crt and .key for `host`, valid 1 year.
Result<TlsFiles> ensure_self_signed(const std::string& dir, const std::string& host);

Status configure_tls(boost::asio::ssl::context& ctx, const std::string& cert_path,
                     const std::string& key_path);

Result<std::string> certificate_fingerprint(const std::string& cert_path);

}  // namespace medvision
