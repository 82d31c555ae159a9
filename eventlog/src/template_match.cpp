#include "msmilog/template_match.h"
#include "ascii_compare.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cstddef>
#include <memory>
#include <optional>

namespace msmilog {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

// ASCII only, as the header's matching rules say (and without a locale lookup per byte).
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// One unit of literal text: a character, or (space) a run of whitespace.
struct Unit {
  bool space = false;
  char c = 0;
};

// A template is literal runs and inserts, alternating or not.
struct Token {
  int insert = 0;  // 1..99; 0 for a literal
  std::vector<Unit> literal;
  // The literal's first run of characters other than whitespace, lower-cased: where the
  // literal can start is found by searching the lower-cased text for them (empty: by trying
  // every position). after_space: the run follows leading whitespace. Filled by
  // compile_template().
  std::string needle;
  bool after_space = false;
};

void append_char(std::vector<Token>* tokens, char c) {
  if (tokens->empty() || tokens->back().insert != 0) tokens->push_back(Token{});
  std::vector<Unit>& units = tokens->back().literal;
  if (is_space(c)) {
    if (units.empty() || !units.back().space) units.push_back(Unit{true, 0});
    return;
  }
  units.push_back(Unit{false, c});
}

// FormatMessage's syntax, as format_message() renders it.
std::vector<Token> parse_template(std::string_view text, int* highest) {
  std::vector<Token> tokens;
  *highest = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '%' || i + 1 == text.size()) {
      append_char(&tokens, c);
      continue;
    }
    const char next = text[i + 1];
    if (next >= '1' && next <= '9') {
      int n = next - '0';
      std::size_t j = i + 2;
      if (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])))
        n = n * 10 + (text[j++] - '0');
      if (j < text.size() && text[j] == '!') {
        const std::size_t close = text.find('!', j + 1);
        if (close != std::string_view::npos) j = close + 1;
      }
      tokens.push_back(Token{n, {}, {}, false});
      *highest = std::max(*highest, n);
      i = j - 1;
      continue;
    }
    ++i;
    switch (next) {
      case '0':
        return tokens;
      case 'n':
        append_char(&tokens, '\n');
        break;
      case 't':
        append_char(&tokens, '\t');
        break;
      case 'b':
        append_char(&tokens, ' ');
        break;
      case '%':
      case '!':
      case '.':
        append_char(&tokens, next);
        break;
      default:
        append_char(&tokens, '%');
        append_char(&tokens, next);
        break;
    }
  }
  return tokens;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

constexpr std::size_t kNoMatch = std::string_view::npos;

}  // namespace

// A template parsed for matching: its tokens (leading whitespace dropped: it lines up with the
// trimmed description's start), its highest insert, its literal weight, and whether an insert
// repeats (which rules out the failure memo).
struct CompiledTemplate {
  std::vector<Token> tokens;
  int highest = 0;
  std::size_t weight = 0;
  bool repeats = false;
};

namespace {

CompiledTemplate compile_template(std::string_view templ) {
  CompiledTemplate compiled;
  compiled.tokens = parse_template(templ, &compiled.highest);
  std::vector<int> seen(static_cast<std::size_t>(compiled.highest) + 1, 0);
  for (const Token& token : compiled.tokens) {
    for (const Unit& unit : token.literal) compiled.weight += unit.space ? 0 : 1;
    if (token.insert != 0 && ++seen[static_cast<std::size_t>(token.insert)] > 1)
      compiled.repeats = true;
  }
  std::vector<Token>& tokens = compiled.tokens;
  if (!tokens.empty() && tokens.front().insert == 0 && !tokens.front().literal.empty() &&
      tokens.front().literal.front().space) {
    tokens.front().literal.erase(tokens.front().literal.begin());
  }
  for (Token& token : tokens) {
    const std::vector<Unit>& units = token.literal;
    token.after_space = !units.empty() && units.front().space;
    for (std::size_t i = token.after_space ? 1 : 0; i < units.size() && !units[i].space; ++i)
      token.needle.push_back(lower(units[i].c));
  }
  return compiled;
}

}  // namespace

// A Matcher's buffers, kept from one match to the next so that matching many descriptions
// allocates only as the largest grows.
struct MatchScratch {
  std::vector<std::optional<std::string_view>> bound;  // index = insert number
  std::vector<char> failed;  // (token, position) pairs known not to lead to a match
  std::string lowered;       // the text, lower-cased
  // Every (start, end) where literal token i matches, ascending; valid where computed[i].
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> candidates;
  std::vector<char> computed;
};

namespace {

class Matcher {
 public:
  Matcher(const CompiledTemplate& compiled, std::string_view text, MatchScratch* scratch)
      : tokens_(compiled.tokens),
        text_(text),
        bound_(scratch->bound),
        memo_(!compiled.repeats),
        failed_(scratch->failed),
        lowered_(scratch->lowered),
        candidates_(scratch->candidates),
        computed_(scratch->computed) {
    bound_.assign(static_cast<std::size_t>(compiled.highest) + 1, std::nullopt);
    if (memo_) failed_.assign(tokens_.size() * (text_.size() + 1), 0);
    if (candidates_.size() < tokens_.size()) candidates_.resize(tokens_.size());
    computed_.assign(tokens_.size(), 0);
    lowered_.resize(text_.size());
    std::transform(text_.begin(), text_.end(), lowered_.begin(), lower);
  }

  bool run(std::vector<std::string>* strings) {
    if (!solve(0, 0)) return false;
    strings->assign(bound_.size() - 1, std::string());
    for (std::size_t n = 1; n < bound_.size(); ++n) {
      if (bound_[n]) (*strings)[n - 1] = std::string(*bound_[n]);
    }
    return true;
  }

 private:
  // Where `literal` ends when it starts at `pos`, or kNoMatch.
  std::size_t match_literal(const std::vector<Unit>& literal, std::size_t pos) const {
    for (const Unit& unit : literal) {
      if (unit.space) {
        std::size_t end = pos;
        while (end < text_.size() && is_space(text_[end])) ++end;
        if (end == pos && pos != text_.size()) return kNoMatch;
        pos = end;
        continue;
      }
      if (pos >= text_.size() || lower(text_[pos]) != lower(unit.c)) return kNoMatch;
      ++pos;
    }
    return pos;
  }

  // Every (start, end) where the literal token `index` matches, ascending; computed once.
  const std::vector<std::pair<std::size_t, std::size_t>>& candidates(std::size_t index) {
    std::vector<std::pair<std::size_t, std::size_t>>* slot = &candidates_[index];
    if (computed_[index]) return *slot;
    computed_[index] = 1;
    slot->clear();
    const std::vector<Unit>& literal = tokens_[index].literal;
    const Token& token = tokens_[index];
    if (!token.needle.empty()) {
      // Only where the literal's first characters are can it match: a search, not a trial at
      // every position (this loop was most of a CSV import's time). After leading whitespace,
      // the literal starts where the blanks before those characters start.
      const std::string_view lowered = lowered_;
      for (std::size_t q = lowered.find(token.needle); q != std::string_view::npos;
           q = lowered.find(token.needle, q + 1)) {
        std::size_t p = q;
        if (token.after_space) {
          while (p > 0 && is_space(text_[p - 1])) --p;
          if (p == q) continue;  // the whitespace must match at least one blank here
        }
        const std::size_t end = match_literal(literal, p);
        if (end != kNoMatch) slot->emplace_back(p, end);
      }
      return *slot;
    }
    const bool leading_space = !literal.empty() && literal.front().space;
    for (std::size_t p = 0; p <= text_.size(); ++p) {
      // A separator that begins with blanks begins where the blanks do, so a capture before it
      // does not keep half of them.
      if (leading_space && p > 0 && is_space(text_[p - 1])) continue;
      const std::size_t end = match_literal(literal, p);
      if (end != kNoMatch) slot->emplace_back(p, end);
    }
    return *slot;
  }

  bool solve(std::size_t index, std::size_t pos) {
    if (index == tokens_.size()) return pos == text_.size();
    const std::size_t key = index * (text_.size() + 1) + pos;
    if (memo_ && failed_[key]) return false;
    const bool ok = attempt(index, pos);
    if (!ok && memo_) failed_[key] = 1;
    return ok;
  }

  bool attempt(std::size_t index, std::size_t pos) {
    const Token& token = tokens_[index];
    if (token.insert == 0) {
      const std::size_t end = match_literal(token.literal, pos);
      return end != kNoMatch && solve(index + 1, end);
    }
    std::optional<std::string_view>& slot = bound_[static_cast<std::size_t>(token.insert)];
    if (slot) {  // a repeated insert: the same text again
      const std::string_view again = *slot;
      return text_.substr(pos, again.size()).size() == again.size() &&
             ascii_iequals(text_.substr(pos, again.size()), again) &&
             solve(index + 1, pos + again.size());
    }
    if (index + 1 == tokens_.size()) {
      slot = text_.substr(pos);
      return true;
    }
    if (tokens_[index + 1].insert != 0) {  // two inserts in a row: the first takes all it can
      for (std::size_t end = text_.size() + 1; end-- > pos;) {
        slot = text_.substr(pos, end - pos);
        if (solve(index + 1, end)) return true;
      }
      slot.reset();
      return false;
    }
    const auto& list = candidates(index + 1);
    for (auto it = list.rbegin(); it != list.rend() && it->first >= pos; ++it) {
      slot = text_.substr(pos, it->first - pos);
      if (solve(index + 2, it->second)) return true;
    }
    slot.reset();
    return false;
  }

  const std::vector<Token>& tokens_;
  std::string_view text_;
  std::vector<std::optional<std::string_view>>& bound_;  // MatchScratch's, for this match
  bool memo_ = true;
  std::vector<char>& failed_;
  std::string& lowered_;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>>& candidates_;
  std::vector<char>& computed_;
};

bool match_compiled(const CompiledTemplate& compiled, std::string_view text, MatchScratch* scratch,
                    std::vector<std::string>* strings) {
  Matcher matcher(compiled, trim(text), scratch);
  return matcher.run(strings);
}

// match_description() with `compiled(spec)` giving each candidate's CompiledTemplate.
template <typename Compiled>
TemplateMatch match_with(const std::vector<msmi::EventSpec>& catalogue, std::string_view source,
                         int id, std::string_view description, Compiled compiled,
                         MatchScratch* scratch) {
  TemplateMatch best;
  std::size_t best_weight = 0;
  auto it =
      std::lower_bound(catalogue.begin(), catalogue.end(), id,
                       [](const msmi::EventSpec& spec, int value) { return spec.id < value; });
  for (; it != catalogue.end() && it->id == id; ++it) {
    if (!ascii_iequals(it->source, source)) continue;
    const CompiledTemplate& templ = compiled(*it);
    if (best.spec != nullptr && templ.weight <= best_weight) continue;
    std::vector<std::string> strings;
    if (!match_compiled(templ, description, scratch, &strings)) continue;
    best.spec = &*it;
    best.strings = std::move(strings);
    best_weight = templ.weight;
  }
  return best;
}

template <typename Compiled>
std::vector<std::string> recover_with(const std::vector<msmi::EventSpec>& catalogue,
                                      std::string_view source, int id, std::string_view description,
                                      Compiled compiled, MatchScratch* scratch) {
  TemplateMatch match = match_with(catalogue, source, id, description, compiled, scratch);
  if (match.spec != nullptr) return std::move(match.strings);
  std::vector<std::string> strings;
  if (parse_missing_description(description, &strings)) return strings;
  return {};
}

}  // namespace

bool match_template(std::string_view templ, std::string_view text,
                    std::vector<std::string>* strings) {
  assert(strings != nullptr);
  MatchScratch scratch;
  return match_compiled(compile_template(templ), text, &scratch, strings);
}

TemplateMatch match_description(const std::vector<msmi::EventSpec>& catalogue,
                                std::string_view source, int id, std::string_view description) {
  CompiledTemplate compiled;
  MatchScratch scratch;
  return match_with(
      catalogue, source, id, description,
      [&compiled](const msmi::EventSpec& spec) -> const CompiledTemplate& {
        compiled = compile_template(spec.text);
        return compiled;
      },
      &scratch);
}

bool parse_missing_description(std::string_view description, std::vector<std::string>* strings) {
  assert(strings != nullptr);
  constexpr std::string_view kStart = "The description for Event ID";
  constexpr std::string_view kMarker = "the following insertion string(s):";
  const std::string_view text = trim(description);
  if (text.size() < kStart.size() || !ascii_iequals(text.substr(0, kStart.size()), kStart))
    return false;
  std::size_t at = kStart.size();
  for (;; ++at) {
    if (at + kMarker.size() > text.size()) return false;
    if (ascii_iequals(text.substr(at, kMarker.size()), kMarker)) break;
  }
  std::string_view rest = text.substr(at + kMarker.size());
  if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
  strings->clear();
  if (rest.empty()) return true;
  for (;;) {
    const std::size_t comma = rest.find(", ");
    strings->emplace_back(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 2);
  }
  return true;
}

std::vector<std::string> recover_insertion_strings(const std::vector<msmi::EventSpec>& catalogue,
                                                   std::string_view source, int id,
                                                   std::string_view description) {
  return recover_insertion_strings(TemplateMatcher(catalogue), source, id, description);
}

TemplateMatcher::TemplateMatcher(const std::vector<msmi::EventSpec>& catalogue)
    : catalogue_(catalogue),
      compiled_(catalogue.size()),
      scratch_(std::make_unique<MatchScratch>()) {}

TemplateMatcher::~TemplateMatcher() = default;

const CompiledTemplate& TemplateMatcher::compiled(const msmi::EventSpec& spec) const {
  const auto index = static_cast<std::size_t>(&spec - catalogue_.data());
  assert(index < compiled_.size());
  std::unique_ptr<CompiledTemplate>& slot = compiled_[index];
  if (slot == nullptr) slot = std::make_unique<CompiledTemplate>(compile_template(spec.text));
  return *slot;
}

TemplateMatch TemplateMatcher::match_description(std::string_view source, int id,
                                                 std::string_view description) const {
  return match_with(
      catalogue_, source, id, description,
      [this](const msmi::EventSpec& spec) -> const CompiledTemplate& { return compiled(spec); },
      scratch_.get());
}

std::vector<std::string> recover_insertion_strings(const TemplateMatcher& matcher,
                                                   std::string_view source, int id,
                                                   std::string_view description) {
  return recover_with(
      matcher.catalogue(), source, id, description,
      [&matcher](const msmi::EventSpec& spec) -> const CompiledTemplate& {
        return matcher.compiled(spec);
      },
      matcher.scratch_.get());
}

}  // namespace msmilog
