// The parts of the FIPS to MDBEF conversion (MS Mail → Exchange) that three KB bugs live in:
// which subject becomes PR_SUBJECT (Q156844), which time becomes the Sent time (Q161933) and how
// the date of a read receipt is read (Q214565).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "msmi/message_files.h"

namespace msmi {

// The subject Exchange shows. With `q156844` on, a message whose class is not the note gets
// the FIPS header's subject (at most 40 characters) instead of the body's.
std::string converted_subject(const P1Envelope& envelope, const MaiContent& content, bool q156844);

// The Sent time Exchange shows, in virtual microseconds. With `q161933` on it is the time of
// the conversion (`now_us`), however long the message waited; otherwise the author's.
std::int64_t converted_sent_us(const P1Envelope& envelope, std::int64_t now_us, bool q161933);

// A date as the MS Mail clients for the PC write it, "05-22-97 12:55", of `time_us` virtual
// microseconds; `origin_us` is the date of virtual time 0 (EngineSettings::date_origin_us).
std::string ms_mail_date(std::int64_t time_us, std::int64_t origin_us);

// The insertion strings of the conversion note (10000, variant "conversion", written at maximum
// Debug Data logging) of a message from MS Mail that the conversion gave `subject` and
// `sent_us` at `now_us`: the subject, the message ID, the MS Mail message class (the note's when
// the envelope names none), then the Sent time, the conversion time and the time the message
// entered the connector postoffice, as ms_mail_date() writes them.
std::vector<std::string> conversion_note(const P1Envelope& envelope, std::string_view message_id,
                                         std::string_view subject, std::int64_t sent_us,
                                         std::int64_t now_us, std::int64_t origin_us);

// A date as a read receipt carries it.
struct ReceiptDate {
  int year = 0;  // four digits
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
};

// Reads the date of a read receipt. The MS Mail clients for the PC write "05-22-97 12:55";
// the Macintosh client writes "5/22/97 12:55 PM". With `q214565` on only the PC form is read,
// field by field at fixed offsets, so the Macintosh form fails. False when it cannot be read.
bool parse_receipt_date(std::string_view text, bool q214565, ReceiptDate* out);

}  // namespace msmi
