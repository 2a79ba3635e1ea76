// Status and Result<T>: how kindred reports failure without exceptions.
//
// Readers, configuration and (later) the store and server return a Status or a
// Result<T>. A Status carries a code and a human message that already names the
// file and line/offset where that is known, so front ends can print it as is.
// No exception crosses the library boundary; broken internal invariants abort
// through KINDRED_CHECK instead (see src/core/check.h).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kindred {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad parameter or option value
  kNotFound,         // a path or record that does not exist
  kDataError,        // malformed input: bad JSON, missing field, empty document
  kIoError,          // the OS refused a read or write
  kCorrupt,          // truncated or corrupt compressed stream, or a corrupt record of a live index
  kDuplicate,        // a document id seen before
  kTooLarge,         // a document or line over the configured limit
  kCancelled,        // the caller asked to stop
};

const char* status_code_name(StatusCode code);

class Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "data error: docs.jsonl:17: missing text field"
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a value or a non-ok Status, in the spirit of
// std::expected (C++23). Accessing value() of an error aborts.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}  // NOLINT: implicit by design

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(checked()); }
  const T& value() const& { return std::get<0>(checked()); }
  T&& value() && { return std::get<0>(std::move(checked())); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; an ok Status when a value is held.
  Status status() const { return has_value() ? Status() : std::get<1>(data_); }

 private:
  std::variant<T, Status>& checked();
  const std::variant<T, Status>& checked() const;
  std::variant<T, Status> data_;
};

[[noreturn]] void abort_bad_result_access(const Status& status);

template <typename T>
std::variant<T, Status>& Result<T>::checked() {
  if (!has_value()) abort_bad_result_access(std::get<1>(data_));
  return data_;
}
template <typename T>
const std::variant<T, Status>& Result<T>::checked() const {
  if (!has_value()) abort_bad_result_access(std::get<1>(data_));
  return data_;
}

}  // namespace kindred
