// What `msmisim replay` and `msmisim run --check-determinism` print about two event streams.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "msmisim/event_stream_diff.h"

namespace msmireport {

// "identical: N events" when `diff` found nothing. Otherwise "differs at event K of N (left) /
// M (right): FIELDS", the event counts of both sides, then the events around the first
// difference side by side — up to `context` before and after it, aligned columns (event number,
// virtual time, ID, type, thread, message ID, description cut to fit), the differing row marked
// with '>' — and every differing field of that event in full, one line per side. `left_label`
// and `right_label` name the streams ("run 12", "replay").
// REQUIRES: diff is diff_event_streams(left, right).
void render_stream_diff(const std::vector<msmisim::ShownEvent>& left,
                        const std::vector<msmisim::ShownEvent>& right,
                        const msmisim::EventStreamDiff& diff, const std::string& left_label,
                        const std::string& right_label, std::ostream& out, std::size_t context = 3);

// Virtual time as "hh:mm:ss.mmm" since the run started (hours keep counting past 24).
std::string virtual_time_text(std::int64_t time_us);

}  // namespace msmireport
