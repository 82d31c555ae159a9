// Status: the outcome of an operation that can fail for expected reasons (LevelDB style).
// Expected failures are values, never exceptions. A Status is cheap to copy when ok(): it is a
// code and a null pointer (every file call of a simulated run passes a few of them up through
// the file system layers), and only a failure carries its message.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace msmi {

class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kNotFound, kCorruption, kIoError, kInvalidArgument, kBusy, kFull };

  Status() = default;
  Status(const Status& other)
      : code_(other.code_),
        message_(other.message_ ? std::make_unique<std::string>(*other.message_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) *this = Status(other);
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return Status(); }
  static Status NotFound(std::string message) {
    return Status(Code::kNotFound, std::move(message));
  }
  static Status Corruption(std::string message) {
    return Status(Code::kCorruption, std::move(message));
  }
  static Status IoError(std::string message) { return Status(Code::kIoError, std::move(message)); }
  static Status InvalidArgument(std::string message) {
    return Status(Code::kInvalidArgument, std::move(message));
  }
  // The resource is held by someone else (a locked file).
  static Status Busy(std::string message) { return Status(Code::kBusy, std::move(message)); }
  // A bounded container (a mailbag) has no room left.
  static Status Full(std::string message) { return Status(Code::kFull, std::move(message)); }

  bool ok() const { return code_ == Code::kOk; }
  bool is_not_found() const { return code_ == Code::kNotFound; }
  bool is_corruption() const { return code_ == Code::kCorruption; }
  bool is_io_error() const { return code_ == Code::kIoError; }
  bool is_invalid_argument() const { return code_ == Code::kInvalidArgument; }
  bool is_busy() const { return code_ == Code::kBusy; }
  bool is_full() const { return code_ == Code::kFull; }
  Code code() const { return code_; }
  const std::string& message() const { return message_ ? *message_ : kNoMessage; }

  // "Corruption: P1/0000002A.P1: checksum mismatch" — for people, not for parsing.
  std::string to_string() const;

 private:
  Status(Code code, std::string message)
      : code_(code), message_(std::make_unique<std::string>(std::move(message))) {}
  static inline const std::string kNoMessage;
  Code code_ = Code::kOk;
  std::unique_ptr<std::string> message_;  // null when ok
};

}  // namespace msmi
