#pragma once
// What of a PostgreSQL URL may appear in messages and logs: where the server
// is, never the credentials.

#include <string>

namespace medvision::store {

struct PostgresEndpoint {
  std::string host;      // as written in the URL, or "localhost" when the URL names none
  std::string port;      // "5432" when the URL names none
  std::string database;  // may be empty: libpq then uses the user name
  std::string password;  // kept only to scrub it from driver messages
};

// Accepts postgres:// and postgresql:// URLs as libpq reads them:
// postgresql://[user[:password]@][host][:port][/database][?key=value&...].
// A host= or port= query parameter (e.g. a Unix socket directory) wins over
// the authority part, as it does in libpq.
PostgresEndpoint parse_postgres_url(const std::string& url);

// "host:port/database", for messages.
std::string describe(const PostgresEndpoint& endpoint);

// `text` with every occurrence of the password (raw and percent-decoded)
// replaced, so that a driver message quoting the URL cannot leak it.
std::string scrub_password(std::string text, const PostgresEndpoint& endpoint);

}  // namespace medvision::store
