#include "msmisim/event_tally.h"

#include <cstdint>
#include <cstring>

namespace msmisim {

namespace {

// ASCII, as std::isdigit / std::isxdigit in the "C" locale, without a call per byte: the tally
// shapes every event's text.
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex_digit(char c) {
  const char folded = static_cast<char>(c | 0x20);
  return is_digit(c) || (folded >= 'a' && folded <= 'f');
}

// Whether any of the 8 bytes at `p` is an ASCII digit: a digit XOR '0' is a byte below 10, and
// (t - 0x0A…) & ~t & 0x80… is non-zero exactly when some byte of t is below 10.
bool any_digit_in_8(const char* p) {
  std::uint64_t x = 0;
  std::memcpy(&x, p, sizeof x);
  const std::uint64_t t = x ^ 0x3030303030303030ULL;
  return ((t - 0x0A0A0A0A0A0A0A0AULL) & ~t & 0x8080808080808080ULL) != 0;
}

// text_shape() into *out (cleared first), reusing its buffer. A run blanked holds a digit, so
// the scan looks for digits and widens each to its run; the text between the runs blanked is
// copied whole. The tally shapes every event's text, some of them hundreds of characters long.
void shape_into(std::string_view text, std::string* out) {
  out->clear();
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* copied = begin;  // the text before it is in *out
  for (const char* at = begin; at < end;) {
    if (end - at >= 8 && !any_digit_in_8(at)) {  // most of a text is words
      at += 8;
      continue;
    }
    if (!is_digit(*at)) {
      ++at;
      continue;
    }
    // Widened both ways to the run of hex digits around it; the run looked at before ended at a
    // character that is not one, so the widening never reaches back into it.
    const char* run = at;
    while (run > copied && is_hex_digit(run[-1])) --run;
    const char* run_end = at + 1;
    while (run_end < end && is_hex_digit(*run_end)) ++run_end;
    if (run_end - run >= 5) {
      out->append(copied, static_cast<std::size_t>(run - copied)).push_back('#');
      copied = run_end;
    }
    at = run_end;
  }
  out->append(copied, static_cast<std::size_t>(end - copied));
}

}  // namespace

std::string text_shape(std::string_view text) {
  std::string out;
  shape_into(text, &out);
  return out;
}

void EventTally::add(const msmi::Event& event) {
  ++total_;
  auto [it, added] = ids_.try_emplace(event.event_id);
  EventIdTally& id = it->second;
  if (added) id.type = event.type;
  ++id.count;
  shape_into(event.description, &shape_);
  const auto text = id.texts.find(shape_);
  if (text != id.texts.end()) {
    ++text->second.count;
  } else if (id.texts.size() < kTextsTracked) {
    id.texts.emplace(shape_, EventTextTally{1, id.texts.size(), event.description});
  }
}

std::int64_t EventTally::count(int event_id) const {
  const auto it = ids_.find(event_id);
  return it == ids_.end() ? 0 : it->second.count;
}

}  // namespace msmisim
