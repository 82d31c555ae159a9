#include "msmilog/description_rendering.h"
#include "ascii_compare.h"

#include <algorithm>
#include <cctype>

namespace msmilog {
namespace {

// The highest %N of a template (0 when it has none).
std::size_t highest_insert(std::string_view text) {
  std::size_t highest = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (text[i + 1] == '%') {
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::size_t j = i + 1;
    while (j < text.size() && j < i + 3 && std::isdigit(static_cast<unsigned char>(text[j])))
      n = n * 10 + static_cast<std::size_t>(text[j++] - '0');
    highest = std::max(highest, n);
  }
  return highest;
}

}  // namespace

std::string format_message(std::string_view text, const std::vector<std::string>& strings) {
  std::string out;
  out.reserve(text.size() + 64);
  for (std::size_t i = 0; i < text.size(); ++i) {
    // The text up to the next '%' is copied as one run.
    const std::size_t percent = text.find('%', i);
    if (percent == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, percent - i));
    i = percent;
    if (i + 1 == text.size()) {
      out.push_back('%');
      continue;
    }
    const char next = text[i + 1];
    if (next >= '1' && next <= '9') {
      std::size_t n = static_cast<std::size_t>(next - '0');
      std::size_t j = i + 2;
      if (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])))
        n = n * 10 + static_cast<std::size_t>(text[j++] - '0');
      // "%1!s!": a printf-style format between exclamation marks follows the number.
      if (j < text.size() && text[j] == '!') {
        const std::size_t close = text.find('!', j + 1);
        if (close != std::string_view::npos) j = close + 1;
      }
      if (n <= strings.size())
        out += strings[n - 1];
      else
        out.append(text.substr(i, j - i));
      i = j - 1;
      continue;
    }
    switch (next) {
      case '0':
        return out;
      case 'n':
        out += "\r\n";
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'b':
        out.push_back(' ');
        break;
      case '%':
      case '!':
      case '.':
        out.push_back(next);
        break;
      default:
        out.push_back('%');
        out.push_back(next);
        break;
    }
    ++i;
  }
  return out;
}

const msmi::EventSpec* find_template(const std::vector<msmi::EventSpec>& catalogue,
                                     std::string_view source, int id,
                                     const std::vector<std::string>& strings) {
  auto it =
      std::lower_bound(catalogue.begin(), catalogue.end(), id,
                       [](const msmi::EventSpec& spec, int value) { return spec.id < value; });
  const msmi::EventSpec* main = nullptr;
  for (; it != catalogue.end() && it->id == id; ++it) {
    if (!ascii_iequals(it->source, source)) continue;
    if (highest_insert(it->text) == strings.size()) return &*it;
    if (main == nullptr) main = &*it;
  }
  return main;
}

TemplateFinder::TemplateFinder(const std::vector<msmi::EventSpec>& catalogue)
    : catalogue_(catalogue) {
  highest_.reserve(catalogue.size());
  for (const msmi::EventSpec& spec : catalogue) highest_.push_back(highest_insert(spec.text));
}

const msmi::EventSpec* TemplateFinder::find(std::string_view source, int id,
                                            const std::vector<std::string>& strings) const {
  auto it =
      std::lower_bound(catalogue_.begin(), catalogue_.end(), id,
                       [](const msmi::EventSpec& spec, int value) { return spec.id < value; });
  const msmi::EventSpec* main = nullptr;
  for (; it != catalogue_.end() && it->id == id; ++it) {
    if (!ascii_iequals(it->source, source)) continue;
    if (highest_[static_cast<std::size_t>(it - catalogue_.begin())] == strings.size()) return &*it;
    if (main == nullptr) main = &*it;
  }
  return main;
}

std::string render_description(const std::vector<msmi::EventSpec>& catalogue,
                               std::string_view source, int id,
                               const std::vector<std::string>& strings) {
  if (const msmi::EventSpec* spec = find_template(catalogue, source, id, strings))
    return format_message(spec->text, strings);
  std::string out = "The description for Event ID ( " + std::to_string(id) + " ) in Source ( ";
  out.append(source);
  out += " ) could not be found. It contains the following insertion string(s): ";
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (i > 0) out += ", ";
    out += strings[i];
  }
  out += ".";
  return out;
}

}  // namespace msmilog
