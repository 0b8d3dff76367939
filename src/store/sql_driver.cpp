#include "store/sql_driver.h"

#include <charconv>
#include <cstdlib>

namespace medvision::store {

std::int64_t SqlRow::integer(std::size_t i) const {
  if (is_null(i)) return 0;
  const std::string& s = *cells_[i];
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && ptr == s.data() + s.size()) return v;
  if (s == "t" || s == "true") return 1;  // PostgreSQL booleans
  return static_cast<std::int64_t>(std::strtod(s.c_str(), nullptr));
}

double SqlRow::real(std::size_t i) const {
  if (is_null(i)) return 0;
  return std::strtod(cells_[i]->c_str(), nullptr);
}

std::string sqlite_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote != 0) {
      if (ch == quote) quote = 0;
    } else if (ch == '\'' || ch == '"') {
      quote = ch;
    } else if (ch == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';
      continue;
    }
    out += ch;
  }
  return out;
}

}  // namespace medvision::store
