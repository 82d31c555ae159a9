// Renders an event's description the way Event Viewer does: the message file's template for
// (source, event ID), with FormatMessage's rules applied to the insertion strings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "msmi/event_catalogue.h"

namespace msmilog {

// FormatMessage's rules for a message template: %1 … %99 insert strings[n-1] (a missing one
// stays as the literal "%n" text, as FormatMessage leaves it); "%n" is a line break ("\r\n");
// "%%" is "%"; "%t" a tab; "%0" ends the message; "%!" "%." "%b" a '!', '.', ' '; a '%' before
// anything else is kept. A "!…!" printf format after the number ("%1!s!") is skipped.
std::string format_message(std::string_view text, const std::vector<std::string>& strings);

// The template of (source, id) in `catalogue`: among that ID's variants, the one whose highest
// insert number equals strings.size(), else the ID's main text. nullptr when the catalogue has
// no text for it (source compared case-insensitively). REQUIRES: `catalogue` sorted by ID.
const msmi::EventSpec* find_template(const std::vector<msmi::EventSpec>& catalogue,
                                     std::string_view source, int id,
                                     const std::vector<std::string>& strings);

// The description Event Viewer shows: the template rendered from `strings`, or, when the
// catalogue has none, Event Viewer's own text: "The description for Event ID ( 2343 ) in Source
// ( MSExchangeMSMI ) could not be found. It contains the following insertion string(s): a, b."
std::string render_description(const std::vector<msmi::EventSpec>& catalogue,
                               std::string_view source, int id,
                               const std::vector<std::string>& strings);

// find_template() for many records: each catalogue text's highest insert is counted once, not
// on every lookup. `catalogue` (sorted by ID) must outlive the finder. Safe to share between
// threads once constructed.
class TemplateFinder {
 public:
  explicit TemplateFinder(const std::vector<msmi::EventSpec>& catalogue);
  // find_template(catalogue, source, id, strings).
  const msmi::EventSpec* find(std::string_view source, int id,
                              const std::vector<std::string>& strings) const;

 private:
  const std::vector<msmi::EventSpec>& catalogue_;
  std::vector<std::size_t> highest_;  // of catalogue_[i]
};

}  // namespace msmilog
