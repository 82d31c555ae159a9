// Addresses the MSMI meets, with the limits of MS Mail and Exchange:
//   MS:NETWORK/POSTOFFICE/MAILBOX   each part 1..10 characters (MS Mail names)
//   SMTP:local@domain               local part ≤ 64, domain ≤ 255, labels ≤ 63
//   X400:c=US;a= ;p=ORG;o=SITE;s=Smith;g=Jo;   Exchange field limits (c 3, a 16, p 16, o 64,
//                                   ou1..ou4 32, s 40, g 16, i 5, q 3, cn 64); c and s required
// Parsing never throws; an invalid address comes back with a precise reason.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "msmi/string_hash.h"

namespace msmi {

enum class AddressType { kMsMail, kSmtp, kX400 };

struct Address {
  AddressType type = AddressType::kMsMail;
  std::string network, postoffice, mailbox;                      // MS:
  std::string local, domain;                                     // SMTP:
  std::vector<std::pair<std::string, std::string>> x400_fields;  // X400:, in written order

  // Canonical text: type prefix in upper case, MS Mail names in upper case.
  std::string to_string() const;
};

struct AddressParseResult {
  bool ok = false;
  Address address;     // valid when ok
  std::string reason;  // why not, when !ok: "MS: mailbox 'ABCDEFGHIJK' is 11 characters; …"
};

AddressParseResult parse_address(std::string_view text);

// parse_address remembered, for the few addresses met on every message: the Mailer parses each
// recipient, the inbound thread delivering the message parses it again, the MS Mail side parses
// every sender. Not thread-safe: one per run.
class AddressParser {
 public:
  // parse_address(text); the reference is valid until the next call.
  const AddressParseResult& parse(std::string_view text);

 private:
  static constexpr std::size_t kRemembered = 4096;  // then it starts afresh
  // Looked up by text only, never iterated.
  std::unordered_map<std::string, AddressParseResult, StringHash, std::equal_to<>> parsed_;
};

inline constexpr std::size_t kMsMailNameLimit = 10;

}  // namespace msmi
