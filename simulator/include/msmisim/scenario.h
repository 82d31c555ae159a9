// A scenario: the world, the faults, the operator's steps and what must hold afterwards. Loaded
// from JSON by scenario_loader.h; the format is documented in scenarios/README.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "msmi/connector_admin.h"
#include "msmi/defects.h"
#include "msmi/diagnostics.h"
#include "msmi/message_content.h"
#include "msmi/directory_gateway.h"
#include "msmi/message_observer.h"
#include "msmi/mta_gateway.h"
#include "msmi/worker.h"
#include "msmisim/fault_rule.h"
#include "msmisim/ledger.h"
#include "msmisim/simulated_directory.h"
#include "msmisim/simulated_mta.h"

namespace msmisim {

// Inclusive bounds; either may be absent.
struct CountRange {
  std::optional<double> min;
  std::optional<double> max;
  bool contains(double value) const { return (!min || value >= *min) && (!max || value <= *max); }
  // "= 3", "≥ 10", "≤ 0", "5..9"
  std::string describe() const;
};

struct TrafficSpec {
  Direction direction = Direction::kInbound;
  std::vector<std::string> senders;                  // picked round-robin
  std::string sender_name;                           // every sender's display name, or ""
  std::vector<std::string> recipients;               // picked round-robin, one per message
  std::vector<std::string> recipient_names;          // one per recipient ("" for none), or empty
  std::string reply_to;                              // "" for none
  msmi::MessageKind kind = msmi::MessageKind::kIpm;  // kIpm or kDirSync
  std::string subject = "Traffic";
  std::int64_t every_us = 60'000'000;
  std::int64_t start_us = 0;
  std::optional<std::int64_t> stop_us;  // default: the end of the run
  double jitter = 0.0;                  // 0..1: each gap is every × (1 ± jitter), seeded
};

// A file of the shadow postoffice held locked by another process (a PC MTA, a backup program)
// over [from_us, until_us): every read and write of it answers Busy, as in Q168857.
struct FileLock {
  std::string path;  // relative to the postoffice: "KEY/INQUEUE3.KEY"
  std::int64_t from_us = 0;
  std::optional<std::int64_t> until_us;  // default: the end of the run
};

struct MessageSpec {
  std::int64_t at_us = 0;
  Direction direction = Direction::kInbound;
  std::string label;
  std::string sender;
  std::string sender_name;  // the sender's display name ("Jane Doe"), or ""
  std::vector<std::string> to;
  std::vector<std::string> cc;
  // Display names of to and cc, written "Jane Doe <MS:NET/PO/JANE>": one per address ("" for
  // none), or empty when no address has one.
  std::vector<std::string> to_names;
  std::vector<std::string> cc_names;
  std::string reply_to;                              // "" for none
  msmi::MessageKind kind = msmi::MessageKind::kIpm;  // kIpm or kDirSync
  std::string subject = "Message";
  std::string body;
  msmi::MessageContent content;  // attachments; for an outbound "ndr", what the MTA says of it

  // When the MS Mail user sent it, if earlier than `at` (it waited on the MS Mail side).
  std::optional<std::int64_t> sent_us;
  // The MS Mail message class, "" for "IPM.Microsoft Mail.Note".
  std::string message_class;
  // "pc" or "mac": a read receipt that client generated, or "".
  std::string read_receipt;
};

// What an operator or administrator does (the KB workarounds). kKill ends the MSMI process the
// way kill.exe does (the SCM logs 7034): the only way to free a hung service. kReboot restarts
// the server: every service stops, the locks other processes held are gone, and only the MTA
// comes back by itself (the KB workarounds set the MSMI and the PC MTA to manual first).
// kPowerLoss cuts the power: every process ends without a word, unsynced data is lost (on the
// simulated disk), and the server boots with its services started.
enum class OperatorAction {
  kStart,
  kStop,
  kRestart,
  kResetInqueue3,
  kKill,
  kReboot,
  kPowerLoss,
  kSetLogging,        // diagnostics logging: `level` for every category, or for `category`
  kDeleteFile,        // delete postoffice files matching the glob `file`
  kCopyFile,          // copy `file` to `to` (a backup, or a restore)
  kAddPostoffice,     // NETWORK.GLB gains `postoffice`; the MSMI sees it at its next refresh
  kRemovePostoffice,  // … loses it
  kDeleteMtaHead,     // delete the first message of the MTA's MSMI queue (Exchange Administrator)
  kBurst,             // `count` copies of `message`, all at once
  kReturnToSenders,   // the MTA returns its MSMI queue (the first `count`, or all) to the senders
  kSetSetting,        // a connector property `setting` becomes `value` at the next MSMI start
  kResetMailbag,      // MAILQ16 (Q130285): `mailbag`'s KEY zeroed, MBG truncated; its mail lost
  kRebuildMailbag,    // MAILQ16: a new `mailbag` with the selected headers (all but `drop`)
  kMovePostoffice,    // Q171259: the connector postoffice's tree moves to `to`
  kAddMailbox,        // Q175447: the MS Mail postoffice gains the mailbox `mailbox`
  kMoveMtaHead,       // MTA stopped: the oldest message's .dat moved out of MTADATA, Mtacheck run

  // The administrator deletes the GAL recipients named `recipient`.
  kRemoveRecipient,
  // … removes `address_type` from the MS Mail Connector's address spaces.
  kRemoveAddressSpace,
  kEmptyMailbag,       // the MS Mail user `mailbox` downloads their mailbag: it is empty (Q138054)
  kSetServiceAccount,  // the MSMI logs on as `account` from its next start (Q164177)
};
// clang-format off
inline constexpr const char* kOperatorActionNames[] = {
    "start",           "stop",           "restart",
    "reset_inqueue3",  "kill",           "reboot",
    "power_loss",      "set_logging",    "delete_file",
    "copy_file",       "add_postoffice", "remove_postoffice",
    "delete_mta_head", "burst",          "return_to_senders",
    "set_setting",     "reset_mailbag",  "rebuild_mailbag",
    "move_postoffice", "add_mailbox",     "move_mta_head",
    "remove_recipient", "remove_address_space", "empty_mailbag",
    "set_service_account"};
// clang-format on

struct OperatorStep {
  std::int64_t at_us = 0;
  OperatorAction action = OperatorAction::kRestart;
  std::string service = "msmi";  // msmi | mta | pcmta | directory | all (msmi and mta)
  // "", or "<service>_running" / "<service>_stopped" for msmi, mta, pcmta, directory: act only
  // then.
  std::string only_if;
  std::string level;       // set_logging: none | minimum | medium | maximum
  std::string category;    // set_logging: one category, or every one when empty
  std::string file;        // delete_file (a glob), copy_file (the source)
  std::string to;          // copy_file: the target
  std::string postoffice;  // add_postoffice, remove_postoffice: NET/PO
  int count = 0;           // burst; return_to_senders (0: the whole queue)
  MessageSpec message;     // burst
  std::string setting;     // set_setting: max_attempts, retry_delay, …
  std::int64_t value = 0;  // set_setting: a count, or microseconds for a time
  // reset_mailbag, rebuild_mailbag: "INQUEUE3", or "NET/PO" for that postoffice's mailbag.
  std::string mailbag;
  bool stubs = false;             // rebuild_mailbag: a stub MAI for a header whose MAI is missing
  std::vector<std::string> drop;  // rebuild_mailbag: labels whose headers are not selected
  bool registry = true;           // move_postoffice: the services' registry paths follow it
  std::string mailbox;            // add_mailbox, empty_mailbag: "MS:NET/PO/MAILBOX"

  // remove_recipient: a display name in the GAL.
  std::string recipient;
  // remove_address_space: "SMTP".
  std::string address_type;
  msmi::ServiceAccount account = msmi::ServiceAccount::kExchangeService;  // set_service_account
  // delete_mta_head, return_to_senders: who is at the Administrator program (Q169669).
  msmi::AdminRole as = msmi::AdminRole::kNtAdministrator;
};

// Q175447: an address out in the world (an Internet list server) that answers every message the
// MTA accepts for it with a new message to the sender (its reply-to, if any), `delay_us` later,
// at most `max_replies` times in all.
struct Responder {
  std::string address;
  int max_replies = 10;
  std::int64_t delay_us = 60'000'000;
  std::string subject = "Your request was not understood";
};

// Q175447: a mailbox on an MS Mail postoffice whose next `count` records the PC MTA cannot put in
// (mailbag contention): it returns them with an NDR from the postoffice's POSTMASTER.
struct MailboxContention {
  std::string mailbox;  // "MS:NET/PO/MAILBOX"
  int count = 1;
};

// Where the connector postoffice (the Msmcon tree) lies before any move_postoffice (Q171259).
inline constexpr const char* kDefaultPostofficePath = "C:\\EXCHSRVR\\CONNECT\\MSMCON";

// The connector properties an administrator may change with set_setting, and whether each is a
// time ("30s") rather than a count.
struct ConnectorSetting {
  const char* name;
  bool is_time;
};
inline constexpr ConnectorSetting kConnectorSettings[] = {
    {"max_attempts", false},    {"retry_delay", true},   {"backoff_cap", true},
    {"restart_deferral", true}, {"poll_interval", true}, {"refresh_interval", true},
    {"thread_refresh", true}};

// Counts events. Each filter that is given must match: the ID, the type ("Error"), the source
// ("MSExchangeMSMI"), the message (a label of $.messages), the thread and the window; `text` is
// matched case-insensitively against the rendered description. At least one of id, type and
// source is given.
struct EventExpectation {
  std::optional<int> id;
  std::optional<msmi::EventType> type;
  std::string source;
  std::string message;  // label of a scripted message: only events whose message_id is its ID
  CountRange count;
  std::string text;  // substring the counted events' descriptions must contain, any case
  std::optional<int> thread;
  std::int64_t from_us = 0;              // count only events at or after this virtual time
  std::optional<std::int64_t> until_us;  // … and before this one
};

// The events with these IDs (on `thread`, if given), taken in order, must contain the IDs as a
// contiguous pattern at least `repeats` times; occurrences are counted without overlapping.
struct SequenceExpectation {
  std::vector<int> ids;
  int repeats = 1;
  std::optional<int> thread;
};

struct ThreadExpectation {
  int thread = 0;
  std::optional<msmi::ThreadState> state;  // at the end of the run
  CountRange busy_pct;                     // mean busy share over the window
  std::int64_t from_us = 0;                // window start
  std::optional<std::int64_t> until_us;    // window end, default: the end of the run
};

// Every queue sample taken in [from_us, until_us] must lie in `range`.
struct BacklogWindowExpectation {
  std::string queue;  // p1_files, inqueue3, mta_queue, outbound_records, held
  std::int64_t from_us = 0;
  std::optional<std::int64_t> until_us;  // default: the end of the run
  CountRange range;
};

// A labelled message must end with one of `allowed`.
struct FateExpectation {
  std::vector<msmi::Fate> allowed;
  std::string json_path;  // where the scenario says so, for errors about the label
};

// What an Exchange user sees of a labelled inbound message: the MTA must have taken it, and
// each part that is given must be so. Times are virtual, since the run began.
struct DeliveredExpectation {
  std::optional<std::string> subject;
  std::optional<std::int64_t> sent_us;        // the Sent time is exactly this
  std::optional<std::int64_t> sent_after_us;  // … or at least this
  std::optional<std::string> message_class;   // "" for the note
};

struct Expectations {
  std::vector<EventExpectation> events;
  std::vector<SequenceExpectation> sequences;
  std::vector<ThreadExpectation> threads;
  std::map<std::string, CountRange> backlog;  // p1_files, inqueue3, mta_queue, held
  std::vector<BacklogWindowExpectation> backlog_over_time;
  std::map<msmi::Fate, CountRange> ledger;
  std::map<std::string, FateExpectation> message_fates;  // label → allowed fates
  // Glob over the postoffice's files at the end ("QUARANTINE/*") → must match some (true) or
  // none (false).
  std::map<std::string, bool> files;
  std::map<std::string, DeliveredExpectation> delivered;  // label → what Exchange shows
  std::optional<bool> service_running;
  CountRange crashes;
  bool has_crashes = false;
  int size() const;
};

struct Scenario {
  std::string path;  // as given on the command line
  std::string text;  // the file's bytes
  std::string name;
  std::string description;
  std::string kb;
  std::string profile = "exchange-5.0";
  std::optional<std::uint64_t> seed;
  std::int64_t duration_us = 3'600'000'000;
  std::int64_t epoch_us = 864'302'400'000'000;  // 1997-05-22T12:00:00Z
  std::string computer = "EXCHSRV1";
  std::int64_t sample_interval_us = 60'000'000;

  // Engine settings; absent fields keep the engine's defaults.
  int cpus = 1;
  int outbound_threads = 1;
  std::map<msmi::Category, msmi::LoggingLevel> logging;
  msmi::LoggingLevel logging_default = msmi::LoggingLevel::kNone;
  std::map<msmi::Defect, bool> defect_overrides;
  std::optional<int> max_attempts;
  std::optional<std::int64_t> retry_delay_us, restart_deferral_us, poll_interval_us,
      refresh_interval_us, thread_refresh_us;
  std::optional<std::vector<std::string>> ole_classes;  // registered on the connector server
  msmi::ServiceAccount service_account = msmi::ServiceAccount::kExchangeService;

  std::string connector_network = "EXCHANGE";
  std::string connector_postoffice = "MSMCON";
  std::vector<std::string> postoffices = {"MSNET/SALES"};  // NET/PO with a mailbag
  std::int64_t pcmta_interval_us = 30'000'000;             // how often the PC MTA empties them
  int pcmta_batch = 50;
  // Q175447: MS Mail addresses with no mailbox on their postoffice ("MS:NET/PO/MAILBOX", upper
  // case): the PC MTA returns their mail with an NDR from the postoffice's POSTMASTER.
  std::vector<std::string> missing_mailboxes;
  std::vector<MailboxContention> contention;
  std::vector<Responder> responders;

  // The Global Address List the MSMI matches mail from MS Mail against (Q165396); empty: every
  // address resolves.
  std::vector<GalEntry> recipients;
  // The address types the MS Mail Connector's Address Space page lists (Q169117): the MTA
  // routes mail for them to the connector. An SMTP entry competes with the Internet Mail Service.
  std::vector<std::string> address_spaces = {"MS"};
  // "NET/PO" → records of old mail its mailbag on the connector postoffice holds at the start.
  std::map<std::string, int> prefilled_mailbags;
  // "NET/PO/MAILBOX" → messages an MS Mail user's own mailbag holds at the start.
  std::map<std::string, int> user_mailbags;

  std::vector<TrafficSpec> traffic;
  std::vector<MessageSpec> messages;
  std::vector<MtaFault> faults;
  std::vector<FaultRule> fault_rules;  // point × trigger × action, in file order, then --fault
  std::vector<FileLock> locks;
  std::vector<OperatorStep> operator_steps;
  // Profile name (or "*" for all profiles) → what must hold.
  std::map<std::string, Expectations> expectations;
};

}  // namespace msmisim
