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
//
// Optional fields, written only when they have a value, so that a message without them is
// byte for byte what it was before they existed:
//   P1   from-name: Jane Doe         the sender's display name; follows "from"
//        to-name: Bob Smith          the display name of the "to" (or "cc-name" of the "cc")
//                                    line just before it; a recipient without one has none
//        class: dirsync              a directory-synchronisation message (absent: "ipm", mail)
//   MAI  reply-to: MS:NET/PO/DESK    where replies go; follows "subject"
//        attachment: file ÖÄÜ.TXT    the attachments, after the other fields (attachment_fields.h)
//   P1   class: IPM.Custom.Form      the MS Mail message class of mail other than the note
//                                    ("IPM.Microsoft Mail.Note", which is what absent means)
//        subject: Quarterly figur…   the FIPS header's subject, at most 40 characters
//                                    (kHeaderSubjectLimit); follows "class"
//        sent-us: 1200000            when the MS Mail user sent it, if before "submitted-us"
//   MAI  receipt-date: 05-22-97 12:55  a read receipt: when the original was read, written the
//                                    way the client that generated the receipt writes a date
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/message_content.h"
#include "msmi/status.h"
#include "msmi/text_record.h"

namespace msmi {

// to_names[i] is the display name of to[i] (likewise cc); a missing or empty entry is none.
struct P1Envelope {
  std::string message_id;
  std::uint32_t number = 0;
  std::string sender;
  std::string sender_name;
  std::vector<std::string> to;
  std::vector<std::string> to_names;
  std::vector<std::string> cc;
  std::vector<std::string> cc_names;
  bool dirsync = false;
  std::string mai_path;
  std::int64_t submitted_us = 0;
  std::string message_class;            // "" for the note (and for a dir-sync message)
  std::string header_subject;           // the FIPS header's subject, "" when the envelope has none
  std::optional<std::int64_t> sent_us;  // absent: sent when submitted

  std::vector<std::string> recipients() const;  // to, then cc
  // One entry per recipients() entry, "" where there is no name.
  std::vector<std::string> recipient_names() const;
  // recipients().size(), recipients()[i] and recipient_names()[i], without the copies.
  std::size_t recipient_count() const { return to.size() + cc.size(); }
  const std::string& recipient(std::size_t i) const {
    return i < to.size() ? to[i] : cc[i - to.size()];
  }
  const std::string& recipient_name(std::size_t i) const;
};

struct MaiContent {
  std::string message_id;
  std::string sender;
  std::string subject;
  std::string body;
  std::string reply_to;
  std::vector<Attachment> attachments{};
  std::string receipt_date{};  // "" unless a read receipt
};

// The "class" field's value for a directory-synchronisation message.
inline constexpr std::string_view kDirSyncClass = "dirsync";
// The MS Mail message classes the connector treats specially.
inline constexpr std::string_view kNoteClass = "IPM.Microsoft Mail.Note";
inline constexpr std::string_view kReadReceiptClass = "IPM.Microsoft Mail.Read Receipt";
// How long a subject the FIPS header holds (Q156844).
inline constexpr std::size_t kHeaderSubjectLimit = 40;

// Adds one `field` line per address, each followed by a "<field>-name" line when names has a
// non-empty entry for it.
void add_address_fields(TextRecordWriter* record, std::string_view field,
                        const std::vector<std::string>& addresses,
                        const std::vector<std::string>& names);
// Reads them back: *names gets one entry per address ("" for none), or stays empty when no
// address has a name. Corruption (naming `path`) if a name line does not follow its address.
Status read_address_fields(const TextRecordView& record, std::string_view field,
                           std::string_view path, std::vector<std::string>* addresses,
                           std::vector<std::string>* names);
// Reads the optional "class" field: absent or "ipm" is mail, "dirsync" a dir-sync message;
// Corruption for anything else.
Status read_message_class(const TextRecordView& record, std::string_view path, bool* dirsync);

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
