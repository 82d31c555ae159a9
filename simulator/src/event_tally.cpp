#include "msmisim/event_tally.h"

#include <algorithm>
#include <cctype>

namespace msmisim {

std::string text_shape(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = i;
    bool digit = false;
    while (j < text.size() && std::isxdigit(static_cast<unsigned char>(text[j]))) {
      digit |= std::isdigit(static_cast<unsigned char>(text[j])) != 0;
      ++j;
    }
    if (j - i >= 5 && digit) {
      out += '#';
      i = j;
    } else {
      out.append(text.substr(i, std::max<std::size_t>(j - i, 1)));
      i = std::max(j, i + 1);
    }
  }
  return out;
}

void EventTally::add(const msmi::Event& event) {
  ++total_;
  auto [it, added] = ids_.try_emplace(event.event_id);
  EventIdTally& id = it->second;
  if (added) id.type = event.type;
  ++id.count;
  std::string shape = text_shape(event.description);
  const auto text = id.texts.find(shape);
  if (text != id.texts.end()) {
    ++text->second.count;
  } else if (id.texts.size() < kTextsTracked) {
    id.texts.emplace(std::move(shape), EventTextTally{1, id.texts.size(), event.description});
  }
}

std::int64_t EventTally::count(int event_id) const {
  const auto it = ids_.find(event_id);
  return it == ids_.end() ? 0 : it->second.count;
}

}  // namespace msmisim
