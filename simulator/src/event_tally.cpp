#include "msmisim/event_tally.h"

#include <algorithm>

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

// text_shape() into *out (cleared first), reusing its buffer.
void shape_into(std::string_view text, std::string* out) {
  out->clear();
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    bool digit = false;
    while (j < text.size() && is_hex_digit(text[j])) {
      digit |= is_digit(text[j]);
      ++j;
    }
    if (j - i >= 5 && digit) {
      *out += '#';
      i = j;
    } else {
      out->append(text.substr(i, std::max<std::size_t>(j - i, 1)));
      i = std::max(j, i + 1);
    }
  }
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
