#include "msmi/mta_gateway.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <string>

namespace msmi {
namespace {

struct CodeName {
  XomReturnCode code;
  std::string_view name;
};

constexpr std::array<CodeName, 6> kCodes = {{
    {XomReturnCode::kSuccess, "OM_SUCCESS"},
    {XomReturnCode::kMemoryInsufficient, "OM_MEMORY_INSUFFICIENT"},
    {XomReturnCode::kNetworkError, "OM_NETWORK_ERROR"},
    {XomReturnCode::kPermanentError, "OM_PERMANENT_ERROR"},
    {XomReturnCode::kSystemError, "OM_SYSTEM_ERROR"},
    {XomReturnCode::kTemporaryError, "OM_TEMPORARY_ERROR"},
}};

constexpr std::array<std::string_view, 3> kMessageKindNames = {"ipm", "ndr", "dirsync"};

}  // namespace

std::string_view to_string(MessageKind kind) {
  return kMessageKindNames[static_cast<std::size_t>(kind)];
}

bool parse_message_kind(std::string_view text, MessageKind& out) {
  for (std::size_t i = 0; i < kMessageKindNames.size(); ++i) {
    if (kMessageKindNames[i] == text) {
      out = static_cast<MessageKind>(i);
      return true;
    }
  }
  return false;
}

std::string to_hex(XomReturnCode code) {
  // "0x%X" without snprintf: every put is logged with its code.
  auto value = static_cast<unsigned>(code);
  char buffer[2 + 2 * sizeof value];
  char* const end = buffer + sizeof buffer;
  char* at = end;
  do {
    *--at = "0123456789ABCDEF"[value & 0xF];
    value >>= 4;
  } while (value != 0);
  *--at = 'x';
  *--at = '0';
  return std::string(at, end);
}

std::string_view to_name(XomReturnCode code) {
  for (const CodeName& entry : kCodes) {
    if (entry.code == code) return entry.name;
  }
  return "OM_UNKNOWN";
}

bool parse_xom_return_code(std::string_view text, XomReturnCode& out) {
  std::string upper;
  for (char c : text)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  for (const CodeName& entry : kCodes) {
    if (upper == entry.name) {
      out = entry.code;
      return true;
    }
  }
  int base = 10;
  std::string_view digits = upper;
  if (digits.starts_with("0X")) {
    base = 16;
    digits.remove_prefix(2);
  }
  if (digits.empty() || digits.size() > 4) return false;
  int value = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    value = value * base + d;
  }
  for (const CodeName& entry : kCodes) {
    if (static_cast<int>(entry.code) == value) {
      out = entry.code;
      return true;
    }
  }
  return false;
}

}  // namespace msmi
