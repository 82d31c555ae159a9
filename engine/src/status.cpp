#include "msmi/status.h"

namespace msmi {

std::string Status::to_string() const {
  std::string_view name;
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "Not found";
      break;
    case Code::kCorruption:
      name = "Corruption";
      break;
    case Code::kIoError:
      name = "I/O error";
      break;
    case Code::kInvalidArgument:
      name = "Invalid argument";
      break;
    case Code::kBusy:
      name = "Busy";
      break;
    case Code::kFull:
      name = "Full";
      break;
  }
  return std::string(name) + ": " + message();
}

}  // namespace msmi
