#include "core/result.h"

#include <cerrno>
#include <cstring>

namespace dragnet {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kIoError:
      return "I/O error";
    case ErrorCode::kDataLoss:
      return "data loss";
    case ErrorCode::kFailedPrecondition:
      return "failed precondition";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown error";
}

std::string Error::ToString() const {
  return message_;
}

Error ErrnoError(std::string_view what, std::string_view path) {
  int saved = errno;
  std::string message(what);
  if (!path.empty()) {
    message += " ";
    message += path;
  }
  message += ": ";
  message += std::strerror(saved);
  return Error(ErrorCode::kIoError, std::move(message));
}

}  // namespace dragnet
