// Evaluates KB signatures (signature.h) over the events of one run or one import.
//
// The events are handed over one at a time, in time order, as EventStore::query_events() reads
// them; the evaluator keeps only what the conditions need (per group: the times of a count's
// window, a sequence's partial matches) and at most `evidence_rows` rows per condition, so a log
// of millions of events is diagnosed in flat memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "msmilog/signature.h"
#include "msmilog/store_rows.h"

namespace msmilog {

// The events that made one condition hold.
struct ConditionEvidence {
  std::string condition;       // the condition's name
  bool boost = false;          // from the signature's "boost" list
  std::vector<EventRow> rows;  // at most DiagnoseOptions::evidence_rows, in time order
};

// One KB whose signature matched.
struct Diagnosis {
  std::string kb;
  std::string title;
  std::string applies_to;
  Confidence confidence = Confidence::kMedium;
  std::string cause;
  std::string workaround;
  std::string fix;
  // The events that matched the selector of some "match" condition, each counted once, and the
  // first and last of their times (time_us and the ISO `time` column).
  std::int64_t count = 0;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::string first_time;
  std::string last_time;
  // One entry per "match" condition (absent ones with no rows), then one per boost that held.
  std::vector<ConditionEvidence> evidence;
};

struct DiagnoseOptions {
  std::size_t evidence_rows = 3;  // per condition
};

// Orders diagnoses as they are reported: confidence (high first), then first time, then kb.
bool diagnosis_before(const Diagnosis& a, const Diagnosis& b);

// Evaluates a set of signatures over one stream of events.
//
// Rows are expected in non-decreasing time_us (store order of one run or one import); a row
// earlier than the one before it is taken as happening at that earlier row's time, so windows
// never run backwards. Not thread-safe.
// REQUIRES: `signatures` outlives the evaluator.
class SignatureEvaluator {
 public:
  explicit SignatureEvaluator(const std::vector<Signature>& signatures,
                              DiagnoseOptions options = {});
  ~SignatureEvaluator();
  SignatureEvaluator(const SignatureEvaluator&) = delete;
  SignatureEvaluator& operator=(const SignatureEvaluator&) = delete;

  // Feeds the next event. REQUIRES: finish() was not called.
  void add(const EventRow& row);

  // The matching KBs, ordered by diagnosis_before(). REQUIRES: called once.
  std::vector<Diagnosis> finish();

  // How many rows add() was given.
  std::int64_t rows() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Evaluates `signatures` over `rows` (in time order) at once.
std::vector<Diagnosis> diagnose_rows(const std::vector<Signature>& signatures,
                                     const std::vector<EventRow>& rows,
                                     DiagnoseOptions options = {});

}  // namespace msmilog
