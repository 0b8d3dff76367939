#include "server/tls.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace medvision {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

Error tls_error(const std::string& what) { return make_error(ErrorCode::internal, "TLS: " + what); }

bool add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

}  // namespace

Result<std::string> certificate_fingerprint(const std::string& cert_path) {
  File f(std::fopen(cert_path.c_str(), "r"));
  if (!f)
    return make_error(ErrorCode::not_found, "TLS certificate " + cert_path + " cannot be opened");
  Cert cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!cert) return tls_error(cert_path + " is not a PEM certificate");
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(cert.get(), EVP_sha256(), md, &n);
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < n; ++i) {
    std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
    out += hex;
  }
  return out;
}

Result<TlsFiles> ensure_self_signed(const std::string& dir, const std::string& host) {
  TlsFiles files{dir + "/self-signed.crt", dir + "/self-signed.key", ""};
  std::error_code ec;
  if (!std::filesystem::exists(files.cert_path) || !std::filesystem::exists(files.key_path)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::unavailable, "cannot create " + dir + ": " + ec.message());
    PKey key(EVP_EC_gen("P-256"));
    if (!key) return tls_error("cannot generate a P-256 key");
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("MedVision"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    const bool is_ip = host.find_first_not_of("0123456789.") == std::string::npos ||
                       host.find(':') != std::string::npos;
    std::string san = "DNS:localhost,IP:127.0.0.1";
    if (host != "localhost" && host != "127.0.0.1" && host != "0.0.0.0")
      san += (is_ip ? ",IP:" : ",DNS:") + host;
    if (!add_extension(cert.get(), NID_subject_alt_name, san) ||
        !add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE")) {
      return tls_error("cannot add certificate extensions");
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
      return tls_error("cannot sign the certificate");
    File kf(std::fopen(files.key_path.c_str(), "w"));
    File cf(std::fopen(files.cert_path.c_str(), "w"));
    if (!kf || !cf)
      return make_error(ErrorCode::unavailable, "cannot write TLS files under " + dir);
    std::filesystem::permissions(
        files.key_path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
        ec);
    if (PEM_write_PrivateKey(kf.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
        PEM_write_X509(cf.get(), cert.get()) != 1) {
      return tls_error("cannot write the certificate or key");
    }
  }
  auto fp = certificate_fingerprint(files.cert_path);
  if (!fp.ok()) return fp.error();
  files.sha256_fingerprint = *fp;
  return files;
}

Status configure_tls(boost::asio::ssl::context& ctx, const std::string& cert_path,
                     const std::string& key_path) {
  boost::system::error_code ec;
  ctx.set_options(boost::asio::ssl::context::default_workarounds |
                      boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                      boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1,
                  ec);
  ctx.use_certificate_chain_file(cert_path, ec);
  if (ec)
    return make_error(ErrorCode::invalid_input,
                      "TLS certificate " + cert_path + ": " + ec.message());
  ctx.use_private_key_file(key_path, boost::asio::ssl::context::pem, ec);
  if (ec) return make_error(ErrorCode::invalid_input, "TLS key " + key_path + ": " + ec.message());
  return {};
}

}  // namespace medvision
