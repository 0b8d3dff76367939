#pragma once
// Result<T>: errors that callers must handle are values, carrying a message a
// person can act on and a code that tells a caller (or an HTTP route) what
// kind of failure it is.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace medvision {

enum class ErrorCode {
  invalid_input,  // the caller sent something malformed or out of range
  not_found,      // the named thing does not exist
  conflict,       // the request clashes with current state (duplicate name, ended session)
  unauthorized,   // no valid credentials
  forbidden,      // valid credentials, wrong role
  unavailable,    // a dependency (database, file system) cannot be reached
  too_many,       // a per-user or per-client limit is reached (HTTP 429)
  internal,       // a bug or an unexpected state
};

const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  T value_or(T fallback) const { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error)
      : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace medvision

// Propagates an error from an expression returning Result<...>.
#define MV_TRY(expr)                                         \
  do {                                                       \
    auto mv_try_result_ = (expr);                            \
    if (!mv_try_result_.ok()) return mv_try_result_.error(); \
  } while (false)
