// The two files of one MS Mail message in the shadow postoffice, as External leaves them
// (Q100826): the envelope P1/<8hex>.P1 and the contents MAI/MA<x>/<8hex>.MAI, where <x> is the
// last hex digit of the message number. Both are framed text records (text_record.h):
//
//   MSMI-P1 1                        MSMI-MAI 1
//   message-id: NET/PO/0000002A      message-id: NET/PO/0000002A
//   number: 0000002A                 from: MS:NET/PO/ALICE
//   from: MS:NET/PO/ALICE            subject: Quarterly figures
//   to: MS:EXNET/EXPO/BOB            (blank line)
//   cc: SMTP:carol@example.com       body text …
//   mai: MAI/MAA/0000002A.MAI        #end <length> <crc32>
//   submitted-us: 1500000
//   (blank line)
//   #end <length> <crc32>
//
// Addresses are kept exactly as the sender wrote them: validating them is the Mailer's job.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "msmi/status.h"

namespace msmi {

struct P1Envelope {
  std::string message_id;
  std::uint32_t number = 0;
  std::string sender;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string mai_path;
  std::int64_t submitted_us = 0;

  std::vector<std::string> recipients() const;  // to, then cc
};

struct MaiContent {
  std::string message_id;
  std::string sender;
  std::string subject;
  std::string body;
};

std::string encode_p1(const P1Envelope& envelope);
Status decode_p1(std::string_view data, std::string_view path, P1Envelope* out);
std::string encode_mai(const MaiContent& content);
Status decode_mai(std::string_view data, std::string_view path, MaiContent* out);

// "P1/0000002A.P1", "MAI/MAA/0000002A.MAI"
std::string p1_path(std::uint32_t number);
std::string mai_path(std::uint32_t number);
// "0000002A"
std::string hex8(std::uint32_t number);
// Parses "0000002A.P1" into 0x2A; false for any other name.
bool parse_p1_name(std::string_view name, std::uint32_t* number);

}  // namespace msmi
