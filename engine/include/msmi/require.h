// MSMI_REQUIRE: the check behind a `REQUIRES:` in a contract. Unlike assert() it stays on in
// every build (release builds define NDEBUG), because a broken precondition in a simulator is a
// wrong result, not a slow one: it prints the condition and where, then aborts.
#pragma once

namespace msmi {
[[noreturn]] void require_failed(const char* condition, const char* file, int line);
}  // namespace msmi

#define MSMI_REQUIRE(condition) \
  ((condition) ? static_cast<void>(0) : ::msmi::require_failed(#condition, __FILE__, __LINE__))
