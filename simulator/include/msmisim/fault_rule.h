// A fault rule: point × trigger × action chain, in the style of FreeBSD's fail(9).
//
//   mta.put[rcpt~*@bad.example]=3*return(0x15)->off
//   disk.append[file~MBG/SALES*]=10%error(EIO)
//   engine.log_ndr[sender~MS:*/*/*,nth=2]=access_violation(0x24)
//
// One parser reads both spellings: this one-line form (the command line's --fault) and the JSON
// object of a scenario's "faults" (scenario_loader turns the object into the same text). The
// grammar, the points, triggers and actions are documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/mta_gateway.h"
#include "msmi/status.h"

namespace msmisim {

enum class PointClass { kDisk, kMta, kEngine, kDirectory };

enum class TriggerKey {
  kSender,      // the message's sender address (glob or =)
  kRcpt,        // any recipient address
  kSubject,     // the subject
  kFile,        // disk: the file's path relative to the postoffice ("KEY/INQUEUE3.KEY")
  kFileKind,    // disk: MAI, P1, KEY, MBG, GLB, XTN, ATT (from the folder or extension)
  kMsgKind,     // the message kind: ipm, ndr, dirsync
  kThread,      // the MT.EXE thread doing the work
  kNth,         // only the nth matching call (1-based)
  kAfter,       // only after this many matching calls
  kFrom,        // virtual time window start
  kUntil,       // … and end (exclusive)
  kService,     // the MSMI service state: running | stopped
  kProfile,     // the profile the run uses
  kAfterEvent,  // only once an event with this ID has been written
  kRcpts,       // number of recipients
  kSize,        // body size in bytes
  kSenderLen,   // length of the sender address
  kRcptLen,     // length of the longest recipient address
  kAddress,     // engine.parse_address: the address being parsed
  kCharset,     // the character set of the subject: ascii | 8bit
  kReplyTo,     // the message's reply-to address ("" when it has none)
  kName,        // any display name: the sender's or a recipient's
  kNameLen,     // length of the longest display name (0 when there is none)
  kReplyToLen,  // length of the reply-to address (0 when there is none)
};

enum class TriggerOp { kGlob, kEq, kNe, kGe, kLe, kGt, kLt };

struct Trigger {
  TriggerKey key = TriggerKey::kSender;
  TriggerOp op = TriggerOp::kEq;
  std::string text;         // glob pattern or text value
  std::int64_t number = 0;  // numeric keys (times in microseconds)
  std::string source;       // as written, for messages
};

enum class ActionKind {
  kOff,              // never fires: ends a chain
  kReturn,           // mta.*: answer a XOM return code; directory.session: a directory code
  kError,            // disk.*: fail with an errno (EIO, ENOSPC, EBUSY, ENOENT, EACCES)
  kDelay,            // the call takes longer
  kDropSession,      // mta.*: the MTA drops every session; the call fails with 0x05
  kHang,             // the calling thread hangs; the service ignores control requests
  kTerminate,        // the MSMI process ends silently (no event)
  kStop,             // the MSMI process ends; the SCM logs 7034 "terminated unexpectedly"
  kAccessViolation,  // engine.*: a read through an address (2380)
  kLeaveInQueue,     // engine.convert_*, mta.ack: the message stays in its queue
  kFail,             // engine.*: the operation fails the way bad data makes it fail
  kTruncate,         // disk.read/write/append: the file (or the data written) is cut to N bytes
  kGarble,           // disk.read/write/append: bytes are flipped (seeded)
  kReplace,          // disk.read/write/append: the file's contents become the given text
  kLock,             // disk.*: the file is locked by another process from now on
  kFill,             // disk.write/append: the mailbag is full
  kEvent,            // write a catalogue event with the given insertion strings
  kPowerLoss,        // the server loses power at this very call; it boots again right after
};

struct Action {
  ActionKind kind = ActionKind::kOff;
  msmi::XomReturnCode code = msmi::XomReturnCode::kSystemError;
  std::uint32_t directory_code = 0;  // kReturn at directory.session: 0x105…
  std::string error;                 // kError: "EIO"…
  std::int64_t delay_us = 0;         // kDelay
  std::uint32_t address = 0;         // kAccessViolation
  std::int64_t size = 0;             // kTruncate
  std::string text;                  // kReplace
  int event_id = 0;                  // kEvent
  std::vector<std::string> strings;  // kEvent
};

// One term of a chain: `[P%][N*]action`. A term with a count fires that many times and then
// hands over to the next term; a term with a percentage fires with that probability (seeded).
struct ChainTerm {
  std::optional<int> count;
  std::optional<double> percent;
  Action action;
};

struct FaultRule {
  std::string text;                 // the one-line form, as written or as built from JSON
  std::string point;                // "mta.put", or a glob over point names: "disk.*"
  std::vector<std::string> points;  // the concrete points the glob names
  PointClass point_class = PointClass::kDisk;
  std::vector<Trigger> triggers;
  std::vector<ChainTerm> chain;
  bool optional = false;  // swarm testing may leave it out
};

// One firing of a rule whose action could cost a message (not a delay, not an event), for the
// oracle: a loss must have a cause tied to the message, to one of its files, or to its time.
struct FaultFiring {
  std::int64_t time_us = 0;
  std::string point;
  ActionKind action = ActionKind::kOff;
  std::string message_id;  // the message the call was about, when the point knows it
  std::string file;        // the file, for disk points and engine.write_mailbag
};

// Every point a rule may name, in documentation order.
const std::vector<std::string>& fault_points();
std::string_view to_string(ActionKind kind);
std::string_view to_string(TriggerKey key);
// Whether the trigger selects on the message a call carries (sender~, subject~, msgkind=, …).
bool selects_message(TriggerKey key);

// Why the rule can never fire in a run of `duration_us` (its `from` is at or after the end, or
// its window is empty), or "" when it can.
std::string rule_outside_run(const FaultRule& rule, std::int64_t duration_us);

// Parses the one-line form. On error returns InvalidArgument whose message names the problem
// and sets *error_column (1-based) to where it is.
msmi::Status parse_fault_rule(std::string_view text, FaultRule* rule, int* error_column);

}  // namespace msmisim
