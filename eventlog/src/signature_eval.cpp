// Evaluates KB signatures over a stream of events (diagnosis.h).
//
// Each condition of each signature gets a state object that sees every row once. The states
// keep only what the condition needs:
//   event     a counter and the first evidence rows;
//   count     per group, the times of the current window (a deque, oldest dropped as the window
//             slides), the group's peak and the evidence of the window that first reached `min`
//             (until then the window's rows, fewer than `min`);
//   sequence  per group and per step k, the partial match of steps 1..k that started latest
//             (the one most likely to finish within the limit), dropped once too old;
//   absent    a counter;
//   any       the states of its alternatives.
//
// A row is shown only to the conditions whose selectors can match its event ID (an index built
// once from the rules), so the rows of a busy log that no rule names cost a hash lookup; a
// condition that saw nothing of a row would have left its state unchanged anyway.
#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ascii_compare.h"
#include "msmilog/diagnosis.h"
#include "msmilog/signature.h"

namespace msmilog {

namespace {

// ASCII letters compare ignoring case (as std::tolower does in the "C" locale msmisim runs in).
// Boyer-Moore-Horspool over case-folded bytes: most of a description is skipped a needle's
// length at a time, which matters for a rule that searches the description of every row.
bool icontains(std::string_view haystack, std::string_view needle) {
  const std::size_t n = needle.size();
  if (n == 0) return true;
  if (n > haystack.size()) return false;
  // How far the window may move when its last byte (folded) is c; at most 255, which only
  // shortens a jump and so stays correct for longer needles.
  std::array<std::uint8_t, 256> shift;
  shift.fill(static_cast<std::uint8_t>(std::min<std::size_t>(n, 255)));
  for (std::size_t i = 0; i + 1 < n; ++i) {
    shift[static_cast<unsigned char>(ascii_lower(needle[i]))] =
        static_cast<std::uint8_t>(std::min<std::size_t>(n - 1 - i, 255));
  }
  const char last = ascii_lower(needle[n - 1]);
  const std::string_view head = needle.substr(0, n - 1);
  for (std::size_t pos = 0; pos + n <= haystack.size();) {
    const char c = ascii_lower(haystack[pos + n - 1]);
    if (c == last && ascii_iequals(haystack.substr(pos, n - 1), head)) return true;
    pos += shift[static_cast<unsigned char>(c)];
  }
  return false;
}

// The key of a row's group, or nullopt when the row belongs to no group (no thread, no message).
std::optional<std::string> group_key(GroupBy group_by, const EventRow& row) {
  switch (group_by) {
    case GroupBy::kNone:
      return std::string();
    case GroupBy::kThread:
      if (row.thread < 0) return std::nullopt;
      return std::to_string(row.thread);
    case GroupBy::kComputer: {
      std::string key = row.computer;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return key;
    }
    case GroupBy::kMessage:
      if (row.message_id.empty()) return std::nullopt;
      return row.message_id;
    case GroupBy::kRun:
      return std::to_string(row.run_id);
  }
  return std::string();
}

void keep_first(std::vector<EventRow>* rows, const EventRow& row, std::size_t cap) {
  if (rows->size() < cap) rows->push_back(row);
}

// What one condition has seen so far.
class ConditionState {
 public:
  virtual ~ConditionState() = default;
  // Sees a row (at time `time_us`, already clamped to never go back). Returns true when the row
  // matched one of the condition's selectors, so it counts for the diagnosis.
  virtual bool add(const EventRow& row, std::int64_t time_us) = 0;
  virtual bool holds() const = 0;
  // The rows that made the condition hold. REQUIRES: holds().
  virtual std::vector<EventRow> evidence() const = 0;
};

std::unique_ptr<ConditionState> make_state(const Condition& condition, std::size_t cap);

class EventState : public ConditionState {
 public:
  EventState(const Condition& c, std::size_t cap) : condition_(c), cap_(cap) {}
  bool add(const EventRow& row, std::int64_t) override {
    if (!condition_.select.matches(row)) return false;
    ++matched_;
    keep_first(&rows_, row, cap_);
    return true;
  }
  bool holds() const override { return matched_ >= std::max<std::int64_t>(condition_.min, 1); }
  std::vector<EventRow> evidence() const override { return rows_; }

 private:
  const Condition& condition_;
  std::size_t cap_;
  std::int64_t matched_ = 0;
  std::vector<EventRow> rows_;
};

class AbsentState : public ConditionState {
 public:
  explicit AbsentState(const Condition& c) : condition_(c) {}
  bool add(const EventRow& row, std::int64_t) override {
    if (condition_.select.matches(row)) ++matched_;
    return false;  // an absent condition's events are no evidence of the KB
  }
  bool holds() const override { return matched_ == 0; }
  std::vector<EventRow> evidence() const override { return {}; }

 private:
  const Condition& condition_;
  std::int64_t matched_ = 0;
};

class CountState : public ConditionState {
 public:
  CountState(const Condition& c, std::size_t cap) : condition_(c), cap_(cap) {}
  bool add(const EventRow& row, std::int64_t time_us) override {
    if (!condition_.select.matches(row)) return false;
    Group* found = &single_;
    if (condition_.group_by != GroupBy::kNone) {
      const std::optional<std::string> key = group_key(condition_.group_by, row);
      if (!key) return true;  // matched, but belongs to no group
      found = &groups_[*key];
    }
    Group& group = *found;
    // Until the group reaches min, its window's rows are kept (fewer than min of them), so the
    // evidence can start where the burst started.
    if (!group.reached) group.rows.push_back(row);
    std::int64_t count = 0;
    if (condition_.window_us) {
      group.times.push_back(time_us);
      while (!group.times.empty() && group.times.front() <= time_us - *condition_.window_us) {
        group.times.pop_front();
        if (!group.reached) group.rows.pop_front();
      }
      count = static_cast<std::int64_t>(group.times.size());
    } else {
      count = ++group.total;
      if (!group.reached && group.rows.size() > cap_) group.rows.pop_back();
    }
    group.peak = std::max(group.peak, count);
    if (!group.reached && count >= min()) {
      group.reached = true;
      group.reached_at = order_++;
      const std::size_t keep = std::min(cap_, group.rows.size());
      group.evidence.assign(group.rows.begin(), group.rows.begin() + static_cast<long>(keep));
      group.rows = {};
    }
    return true;
  }
  bool holds() const override { return best() != nullptr; }
  std::vector<EventRow> evidence() const override {
    const Group* group = best();
    return group ? group->evidence : std::vector<EventRow>{};
  }

 private:
  struct Group {
    std::deque<std::int64_t> times;  // of the current window, with a window
    std::deque<EventRow> rows;       // before min is reached: the window's (or the first) rows
    std::int64_t total = 0;
    std::int64_t peak = 0;
    bool reached = false;            // the count reached min at some point
    std::vector<EventRow> evidence;  // the first cap_ rows of the window that reached min
    std::int64_t reached_at = 0;     // in which order groups reached min
  };

  std::int64_t min() const { return std::max<std::int64_t>(condition_.min, 1); }

  // The group that first reached `min` among those whose peak is within the bounds.
  const Group* best() const {
    const Group* found = nullptr;
    const auto consider = [&](const Group& group) {
      if (!group.reached || group.peak < min() || (condition_.max && group.peak > *condition_.max))
        return;
      if (!found || group.reached_at < found->reached_at) found = &group;
    };
    consider(single_);
    for (const auto& [key, group] : groups_) consider(group);
    return found;
  }

  const Condition& condition_;
  std::size_t cap_;
  Group single_;  // the one group when group_by is none; groups_ stays empty then
  std::unordered_map<std::string, Group> groups_;
  std::int64_t order_ = 0;
};

class SequenceState : public ConditionState {
 public:
  SequenceState(const Condition& c, std::size_t cap) : condition_(c), cap_(cap) {}
  bool add(const EventRow& row, std::int64_t time_us) override {
    const std::size_t steps = condition_.steps.size();
    step_matches_.resize(steps);
    bool any = false;
    for (std::size_t k = 0; k < steps; ++k) {
      step_matches_[k] = condition_.steps[k].matches(row);
      any = any || step_matches_[k];
    }
    if (!any) return false;
    std::vector<std::optional<Partial>>* found = &single_;
    if (condition_.group_by != GroupBy::kNone) {
      const std::optional<std::string> key = group_key(condition_.group_by, row);
      if (!key) return true;
      found = &groups_[*key];
    }
    std::vector<std::optional<Partial>>& partial = *found;
    if (partial.empty()) partial.resize(steps - 1);
    // From the last step back, so that this row extends only chains built from earlier rows.
    // A partial keeps at most cap_ rows: the evidence is the first cap_ rows of a chain. Slots
    // are assigned in place so that their rows' buffers are reused.
    for (std::size_t k = steps; k-- > 0;) {
      if (!step_matches_[k]) continue;
      if (k == 0) {
        std::optional<Partial>& first = partial[0];
        if (!first) first.emplace();
        first->start_us = time_us;
        first->rows.resize(std::min<std::size_t>(cap_, 1));
        if (cap_ > 0) first->rows[0] = row;
        continue;
      }
      std::optional<Partial>& before = partial[k - 1];
      if (!before) continue;
      if (condition_.window_us && time_us - before->start_us > *condition_.window_us) {
        before.reset();  // too old to finish, now or later
        continue;
      }
      if (k == steps - 1) {
        if (++completed_ == 1) {
          evidence_ = before->rows;
          if (evidence_.size() < cap_) evidence_.push_back(row);
        }
        continue;
      }
      std::optional<Partial>& slot = partial[k];
      if (!slot || slot->start_us <= before->start_us) {
        if (!slot) slot.emplace();
        slot->start_us = before->start_us;
        slot->rows = before->rows;
        if (slot->rows.size() < cap_) slot->rows.push_back(row);
      }
    }
    return true;
  }
  bool holds() const override { return completed_ > 0; }
  std::vector<EventRow> evidence() const override { return evidence_; }

 private:
  struct Partial {
    std::int64_t start_us = 0;
    std::vector<EventRow> rows;  // one per step done
  };

  const Condition& condition_;
  std::size_t cap_;
  std::vector<char> step_matches_;  // of the row being added, reused from row to row
  // The partial matches when group_by is none; groups_ stays empty then.
  std::vector<std::optional<Partial>> single_;
  std::unordered_map<std::string, std::vector<std::optional<Partial>>> groups_;
  std::int64_t completed_ = 0;
  std::vector<EventRow> evidence_;
};

class AnyState : public ConditionState {
 public:
  AnyState(const Condition& c, std::size_t cap) {
    for (const Condition& alternative : c.of) alternatives_.push_back(make_state(alternative, cap));
  }
  bool add(const EventRow& row, std::int64_t time_us) override {
    bool matched = false;
    for (auto& state : alternatives_) matched = state->add(row, time_us) || matched;
    return matched;
  }
  bool holds() const override {
    return std::any_of(alternatives_.begin(), alternatives_.end(),
                       [](const auto& s) { return s->holds(); });
  }
  std::vector<EventRow> evidence() const override {
    for (const auto& state : alternatives_)
      if (state->holds()) return state->evidence();
    return {};
  }

 private:
  std::vector<std::unique_ptr<ConditionState>> alternatives_;
};

std::unique_ptr<ConditionState> make_state(const Condition& condition, std::size_t cap) {
  switch (condition.kind) {
    case ConditionKind::kEvent:
      return std::make_unique<EventState>(condition, cap);
    case ConditionKind::kCount:
      return std::make_unique<CountState>(condition, cap);
    case ConditionKind::kSequence:
      return std::make_unique<SequenceState>(condition, cap);
    case ConditionKind::kAbsent:
      return std::make_unique<AbsentState>(condition);
    case ConditionKind::kAny:
      return std::make_unique<AnyState>(condition, cap);
  }
  return std::make_unique<EventState>(condition, cap);
}

// One signature's conditions and the events its match conditions selected.
struct SignatureState {
  const Signature* signature = nullptr;
  std::vector<std::unique_ptr<ConditionState>> match;
  std::vector<std::unique_ptr<ConditionState>> boost;
  std::int64_t count = 0;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::string first_time;
  std::string last_time;
};

// One condition that wants to see rows of some event ID.
struct Hook {
  std::size_t signature = 0;  // index into Impl::states
  ConditionState* state = nullptr;
  bool match = false;  // a "match" condition (its rows count for the diagnosis), not a boost
};

}  // namespace

bool SignatureRegex::search(const std::string& text) const {
  if (prefix.empty()) return std::regex_search(text, *compiled);
  // A match begins where the prefix does: try the regex anchored at each occurrence, the text
  // before it still visible to assertions (match_prev_avail), instead of at every position.
  const auto find = [&](std::size_t from) {
    if (!icase) return text.find(prefix, from);
    for (std::size_t at = from; at + prefix.size() <= text.size(); ++at) {
      if (ascii_iequals(std::string_view(text).substr(at, prefix.size()), prefix)) return at;
    }
    return std::string::npos;
  };
  for (std::size_t at = find(0); at != std::string::npos; at = find(at + 1)) {
    const auto flags =
        at == 0 ? std::regex_constants::match_continuous
                : std::regex_constants::match_continuous | std::regex_constants::match_prev_avail;
    if (std::regex_search(text.begin() + static_cast<std::ptrdiff_t>(at), text.end(), *compiled,
                          flags)) {
      return true;
    }
  }
  return false;
}

bool Selector::matches(const EventRow& row) const {
  if (!event_ids.empty() &&
      std::find(event_ids.begin(), event_ids.end(), row.event_id) == event_ids.end())
    return false;
  if (type && !ascii_iequals(*type, row.type)) return false;
  if (source && !ascii_iequals(*source, row.source)) return false;
  if (category && !ascii_iequals(*category, row.category)) return false;
  if (computer && !ascii_iequals(*computer, row.computer)) return false;
  if (has_message && *has_message == row.message_id.empty()) return false;
  for (const StringTest& test : strings) {
    const std::size_t index = static_cast<std::size_t>(test.position - 1);
    if (index >= row.strings.size()) return false;
    const std::string& value = row.strings[index];
    if (test.regex) {
      if (!test.regex->search(value)) return false;
    } else if (!ascii_iequals(test.value, value)) {
      return false;
    }
  }
  for (const std::string& text : texts)
    if (!icontains(row.description, text)) return false;
  if (regex && !regex->search(row.description)) return false;
  if (exclude && exclude->matches(row)) return false;
  return true;
}

bool diagnosis_before(const Diagnosis& a, const Diagnosis& b) {
  if (a.confidence != b.confidence) return a.confidence < b.confidence;
  if (a.first_us != b.first_us) return a.first_us < b.first_us;
  return a.kb < b.kb;
}

struct SignatureEvaluator::Impl {
  DiagnoseOptions options;
  std::vector<SignatureState> states;
  // Which conditions a row of a given event ID goes to, grouped by signature in signature
  // order: by_event_id for the IDs some selector names (the conditions that accept any ID
  // included), any_id for every other ID.
  std::unordered_map<int, std::vector<Hook>> by_event_id;
  std::vector<Hook> any_id;
  std::int64_t rows = 0;
  std::int64_t clock_us = 0;
  bool finished = false;

  void index_hooks();
};

void SignatureEvaluator::Impl::index_hooks() {
  // Every hook with the event IDs it wants (empty: any), in signature then condition order.
  std::vector<std::pair<Hook, std::vector<int>>> hooks;
  for (std::size_t i = 0; i < states.size(); ++i) {
    const Signature& signature = *states[i].signature;
    const auto add = [&](const Condition& condition, ConditionState* state, bool match) {
      std::vector<int> ids;
      if (!condition_event_ids(condition, &ids)) ids.clear();
      hooks.push_back({Hook{i, state, match}, std::move(ids)});
    };
    for (std::size_t c = 0; c < signature.match.size(); ++c)
      add(signature.match[c], states[i].match[c].get(), true);
    for (std::size_t c = 0; c < signature.boost.size(); ++c)
      add(signature.boost[c], states[i].boost[c].get(), false);
  }
  for (const auto& [hook, ids] : hooks)
    for (int id : ids) by_event_id.emplace(id, std::vector<Hook>{});
  for (const auto& [hook, ids] : hooks) {
    if (ids.empty()) {
      any_id.push_back(hook);
      for (auto& [id, list] : by_event_id) list.push_back(hook);
    } else {
      for (int id : ids) by_event_id[id].push_back(hook);
    }
  }
}

SignatureEvaluator::SignatureEvaluator(const std::vector<Signature>& signatures,
                                       DiagnoseOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  for (const Signature& signature : signatures) {
    SignatureState state;
    state.signature = &signature;
    for (const Condition& c : signature.match)
      state.match.push_back(make_state(c, options.evidence_rows));
    for (const Condition& c : signature.boost)
      state.boost.push_back(make_state(c, options.evidence_rows));
    impl_->states.push_back(std::move(state));
  }
  impl_->index_hooks();
}

SignatureEvaluator::~SignatureEvaluator() = default;

std::int64_t SignatureEvaluator::rows() const {
  return impl_->rows;
}

void SignatureEvaluator::add(const EventRow& row) {
  assert(!impl_->finished);
  const std::int64_t time_us =
      impl_->rows == 0 ? row.time_us : std::max(impl_->clock_us, row.time_us);
  impl_->clock_us = time_us;
  ++impl_->rows;
  const auto found = impl_->by_event_id.find(row.event_id);
  const std::vector<Hook>& hooks =
      found != impl_->by_event_id.end() ? found->second : impl_->any_id;
  for (std::size_t h = 0; h < hooks.size();) {
    const std::size_t signature = hooks[h].signature;
    bool matched = false;
    for (; h < hooks.size() && hooks[h].signature == signature; ++h) {
      const bool hit = hooks[h].state->add(row, time_us);
      matched = (hooks[h].match && hit) || matched;
    }
    if (!matched) continue;
    SignatureState& state = impl_->states[signature];
    if (state.count == 0) {
      state.first_us = row.time_us;
      state.first_time = row.time;
    }
    ++state.count;
    state.last_us = row.time_us;
    state.last_time = row.time;
  }
}

std::vector<Diagnosis> SignatureEvaluator::finish() {
  assert(!impl_->finished);
  impl_->finished = true;
  std::vector<Diagnosis> diagnoses;
  for (const SignatureState& state : impl_->states) {
    const bool all = std::all_of(state.match.begin(), state.match.end(),
                                 [](const auto& c) { return c->holds(); });
    if (!all) continue;
    const Signature& signature = *state.signature;
    Diagnosis d;
    d.kb = signature.kb;
    d.title = signature.title;
    d.applies_to = signature.applies_to;
    d.confidence = signature.confidence;
    d.cause = signature.cause;
    d.workaround = signature.workaround;
    d.fix = signature.fix;
    d.count = state.count;
    d.first_us = state.first_us;
    d.last_us = state.last_us;
    d.first_time = state.first_time;
    d.last_time = state.last_time;
    for (std::size_t i = 0; i < state.match.size(); ++i)
      d.evidence.push_back({signature.match[i].name, false, state.match[i]->evidence()});
    for (std::size_t i = 0; i < state.boost.size(); ++i) {
      if (state.boost[i]->holds())
        d.evidence.push_back({signature.boost[i].name, true, state.boost[i]->evidence()});
    }
    diagnoses.push_back(std::move(d));
  }
  std::sort(diagnoses.begin(), diagnoses.end(), diagnosis_before);
  return diagnoses;
}

std::vector<Diagnosis> diagnose_rows(const std::vector<Signature>& signatures,
                                     const std::vector<EventRow>& rows, DiagnoseOptions options) {
  SignatureEvaluator evaluator(signatures, options);
  for (const EventRow& row : rows) evaluator.add(row);
  return evaluator.finish();
}

}  // namespace msmilog
