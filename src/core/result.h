#pragma once
// Status and Result<T>: how a failure of the environment (disk, network, database, config) is
// returned. Hostile input is not an error (see model/anomaly.h); bugs are asserts (check.h).
// Result<T> mirrors the std::expected surface (has_value, value, error, operator bool) so that a
// move to C++23 is mechanical.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dragnet {

enum class ErrorCode {
  kInvalidArgument,  // the caller passed something unusable (bad option, malformed config)
  kNotFound,
  kAlreadyExists,
  kUnavailable,  // a server or resource that may come back
  kIoError,      // the operating system refused a read or write
  kDataLoss,     // stored data is corrupt or truncated
  kFailedPrecondition,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prepends what the caller was doing: "writing WARC segment 17: disk full".
  Error&& WithContext(std::string_view context) && {
    message_ = std::string(context) + ": " + message_;
    return std::move(*this);
  }
  Error WithContext(std::string_view context) const& {
    return Error(code_, std::string(context) + ": " + message_);
  }
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return Error(...)` both read naturally.
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}      // NOLINT
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(data_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(data_));
  }

 private:
  std::variant<T, Error> data_;
};

// Status is Result<void>: success or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

inline Error InvalidArgument(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}
inline Error NotFound(std::string message) {
  return Error(ErrorCode::kNotFound, std::move(message));
}
inline Error IoError(std::string message) {
  return Error(ErrorCode::kIoError, std::move(message));
}
inline Error DataLoss(std::string message) {
  return Error(ErrorCode::kDataLoss, std::move(message));
}
inline Error Internal(std::string message) {
  return Error(ErrorCode::kInternal, std::move(message));
}
inline Error Unavailable(std::string message) {
  return Error(ErrorCode::kUnavailable, std::move(message));
}
inline Error FailedPrecondition(std::string message) {
  return Error(ErrorCode::kFailedPrecondition, std::move(message));
}
// IoError with strerror(errno) and the path appended.
Error ErrnoError(std::string_view what, std::string_view path);

}  // namespace dragnet

#define DRAGNET_CONCAT_INNER_(a, b) a##b
#define DRAGNET_CONCAT_(a, b) DRAGNET_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Status or Result) from the enclosing function.
#define DRAGNET_RETURN_IF_ERROR(expr) \
  DRAGNET_RETURN_IF_ERROR_IMPL_(DRAGNET_CONCAT_(dragnet_status_, __COUNTER__), expr)
#define DRAGNET_RETURN_IF_ERROR_IMPL_(tmp, expr) \
  do {                                           \
    auto&& tmp = (expr);                         \
    if (!tmp.has_value()) {                      \
      return std::move(tmp).error();             \
    }                                            \
  } while (false)

// Declares `lhs` from the value of Result `expr`, or returns its error.
#define DRAGNET_ASSIGN_OR_RETURN(lhs, expr) \
  DRAGNET_ASSIGN_OR_RETURN_IMPL_(DRAGNET_CONCAT_(dragnet_result_, __COUNTER__), lhs, expr)
#define DRAGNET_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.has_value()) {                              \
    return std::move(tmp).error();                     \
  }                                                    \
  lhs = std::move(tmp).value()
