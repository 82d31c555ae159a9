// Recovers insertion strings from a rendered description: the inverse of format_message().
//
// Event Viewer's CSV and text exports carry only the description Event Viewer rendered; the
// insertion strings that went into it are gone. Matching the description against the
// catalogue's template for (source, event ID) gets them back: every %N of the template is a
// capture, everything else must match literally.
//
// Matching rules (one place, so the importers and `diagnose` agree):
//   - Literal text compares ASCII-case-insensitively.
//   - A run of whitespace in the template (including the "\r\n" of %n and the tab of %t) matches
//     any run of at least one whitespace character, so CRLF/LF conversions and re-wrapped lines
//     still match; at the very end of the description it may match nothing (Event Viewer and
//     hand-copied quotes drop trailing blanks: "… delivered to:" matches "delivered to: %5").
//     Leading and trailing whitespace of the description is ignored.
//   - Where a description can be split in several ways, earlier captures take as much as they
//     can (leftmost-longest). Free text written by users (From, Subject) comes before the
//     connector's own texts in these templates, and subjects such as "Re: [list] hi" hold the
//     " [" that follows them far more often than a later field holds an earlier separator, so
//     "Subject: %2 [%3] %4." splits "Subject: Re: [list] hi [030] …" as "Re: [list] hi" / "030".
//   - An insert used twice ("Codepage %1 … Codepage %1") must capture the same text each time.
//
// The free functions are pure and safe to call from any thread; TemplateMatcher is not.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/event_catalogue.h"

namespace msmilog {

// True when `text` is a rendering of the FormatMessage template `templ`; *strings then holds
// the captures: one per insert number up to the template's highest, an insert the template
// skips (7031's %4) left empty. False, with *strings unspecified, otherwise.
// REQUIRES: strings != nullptr.
bool match_template(std::string_view templ, std::string_view text,
                    std::vector<std::string>* strings);

struct TemplateMatch {
  const msmi::EventSpec* spec = nullptr;  // the text that matched; nullptr when none did
  std::vector<std::string> strings;
};

// Tries every catalogue text of (source, id) (source compared case-insensitively) against
// `description`; when several match, the most specific wins (the most literal characters:
// "%1 value=%2" before "%1"), then the first in catalogue order.
// REQUIRES: `catalogue` sorted by ID.
TemplateMatch match_description(const std::vector<msmi::EventSpec>& catalogue,
                                std::string_view source, int id, std::string_view description);

// Event Viewer's text for an event its message file lacks ("The description for Event ID ( 2343 )
// in Source ( MSExchangeMSMI ) could not be found. It contains the following insertion
// string(s): a, b."), split back into its strings at ", " (lossy when a string itself holds
// ", "). False when `description` is not that text.
// REQUIRES: strings != nullptr.
bool parse_missing_description(std::string_view description, std::vector<std::string>* strings);

// The insertion strings of a rendered description: match_description()'s, else
// parse_missing_description()'s, else none.
std::vector<std::string> recover_insertion_strings(const std::vector<msmi::EventSpec>& catalogue,
                                                   std::string_view source, int id,
                                                   std::string_view description);

struct CompiledTemplate;
struct MatchScratch;

// The catalogue's templates, each parsed once on first use, for matching many descriptions:
// match_description() and recover_insertion_strings() as above, without parsing every candidate
// template again for each record. `catalogue` (sorted by ID) must outlive the matcher.
// Not thread-safe: the cache fills as records come (const methods included).
class TemplateMatcher {
 public:
  explicit TemplateMatcher(const std::vector<msmi::EventSpec>& catalogue);
  ~TemplateMatcher();
  TemplateMatcher(const TemplateMatcher&) = delete;
  TemplateMatcher& operator=(const TemplateMatcher&) = delete;

  TemplateMatch match_description(std::string_view source, int id,
                                  std::string_view description) const;
  const std::vector<msmi::EventSpec>& catalogue() const { return catalogue_; }
  // `spec` (an element of catalogue()) parsed.
  const CompiledTemplate& compiled(const msmi::EventSpec& spec) const;

 private:
  friend std::vector<std::string> recover_insertion_strings(const TemplateMatcher& matcher,
                                                            std::string_view source, int id,
                                                            std::string_view description);

  const std::vector<msmi::EventSpec>& catalogue_;
  // compiled_[i]: catalogue_[i] parsed, once a description was matched against it.
  mutable std::vector<std::unique_ptr<CompiledTemplate>> compiled_;
  // The matching's buffers, reused from one description to the next.
  std::unique_ptr<MatchScratch> scratch_;
};

// recover_insertion_strings() through `matcher`'s parsed templates.
std::vector<std::string> recover_insertion_strings(const TemplateMatcher& matcher,
                                                   std::string_view source, int id,
                                                   std::string_view description);

}  // namespace msmilog
