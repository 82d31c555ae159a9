#include "msmi/message_files.h"

#include <array>
#include <charconv>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "msmi/attachment_fields.h"
#include "msmi/text_record.h"

namespace msmi {
namespace {

constexpr std::string_view kP1Magic = "MSMI-P1";
constexpr std::string_view kMaiMagic = "MSMI-MAI";

Status missing_field(std::string_view path, std::string_view field) {
  return Status::Corruption(std::string(path) + ": required field '" + std::string(field) +
                            "' is missing");
}

// The first value of each of `Names`, taken in one pass over a record's fields (the decoders
// of the files read on every message store no list of fields). The names are known when it is
// compiled, so each one is compared as a constant.
template <const auto& Names>
class FirstValues {
 public:
  static constexpr std::size_t kCount = std::tuple_size_v<std::decay_t<decltype(Names)>>;
  // Takes the field if `key` is one of the names; false if it is none of them.
  bool take(std::string_view key, std::string_view value) {
    return take_at(key, value, std::make_index_sequence<kCount>());
  }
  bool has(std::size_t i) const { return values_[i].has_value(); }
  // The first value of Names[i]; "" if none came.
  std::string_view operator[](std::size_t i) const {
    return values_[i].value_or(std::string_view());
  }

 private:
  template <std::size_t... I>
  bool take_at(std::string_view key, std::string_view value, std::index_sequence<I...>) {
    std::size_t found = kCount;
    (void)((key == std::get<I>(Names) ? (found = I, true) : false) || ...);  // the first equal
    if (found == kCount) return false;
    if (!values_[found]) values_[found] = value;
    return true;
  }
  std::array<std::optional<std::string_view>, kCount> values_;
};

// The address fields of one kind ("to" or "cc") gathered in a pass over a record's fields.
struct AddressFields {
  std::string_view field;
  std::string_view name_field;
  std::vector<std::string>* addresses;
  std::vector<std::string>* names;
  bool named = false;
  bool misplaced_name = false;  // a name line that does not follow an address line

  // Takes the field if it is one of this kind; `previous` is the name of the field before it.
  bool take(std::string_view key, std::string_view value, std::string_view previous) {
    if (key == field) {
      addresses->emplace_back(value);
      names->emplace_back();
      return true;
    }
    if (key != name_field) return false;
    if (previous != field) {
      misplaced_name = true;
    } else if (!misplaced_name) {
      names->back() = value;
      named = true;
    }
    return true;
  }
  // Corruption if a name line did not follow its address; else *names is emptied when no
  // address had a name.
  Status finish(std::string_view path) {
    if (misplaced_name) {
      return Status::Corruption(std::string(path) + ": field '" + std::string(name_field) +
                                "' does not follow a '" + std::string(field) + "' field");
    }
    if (!named) names->clear();
    return Status::Ok();
  }
};

// read_message_class for the first value of "class", `value` (null when there is none).
Status message_class_of(const std::string_view* value, std::string_view path, bool* dirsync) {
  if (value == nullptr || *value == "ipm") {
    *dirsync = false;
  } else if (*value == kDirSyncClass) {
    *dirsync = true;
  } else {
    return Status::Corruption(std::string(path) + ": field 'class' is '" + std::string(*value) +
                              "', neither 'ipm' nor 'dirsync'");
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> P1Envelope::recipients() const {
  std::vector<std::string> all = to;
  all.insert(all.end(), cc.begin(), cc.end());
  return all;
}

const std::string& P1Envelope::recipient_name(std::size_t i) const {
  static const std::string kNone;
  if (i < to.size()) return i < to_names.size() ? to_names[i] : kNone;
  i -= to.size();
  return i < cc_names.size() ? cc_names[i] : kNone;
}

std::vector<std::string> P1Envelope::recipient_names() const {
  std::vector<std::string> all = to_names;
  all.resize(to.size());
  all.insert(all.end(), cc_names.begin(), cc_names.end());
  all.resize(to.size() + cc.size());
  return all;
}

void add_address_fields(TextRecordWriter* record, std::string_view field,
                        const std::vector<std::string>& addresses,
                        const std::vector<std::string>& names) {
  const std::string name_field = std::string(field) + "-name";
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    record->add(field, addresses[i]);
    if (i < names.size() && !names[i].empty()) record->add(name_field, names[i]);
  }
}

Status read_address_fields(const TextRecordView& record, std::string_view field,
                           std::string_view path, std::vector<std::string>* addresses,
                           std::vector<std::string>* names) {
  const std::string name_field = std::string(field) + "-name";
  std::vector<std::string> found;
  std::vector<std::string> found_names;
  AddressFields fields{field, name_field, &found, &found_names};
  std::string_view previous;
  for (const auto& [key, value] : record.fields) {
    fields.take(key, value, previous);
    previous = key;
  }
  const Status s = fields.finish(path);
  if (!s.ok()) return s;
  *addresses = std::move(found);
  *names = std::move(found_names);
  return Status::Ok();
}

Status read_message_class(const TextRecordView& record, std::string_view path, bool* dirsync) {
  const std::string_view value = record.get("class");
  return message_class_of(record.has("class") ? &value : nullptr, path, dirsync);
}

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

// `number` as 8 upper-case hex digits at `out` (file names and IDs are built on every message,
// so without snprintf).
void put_hex8(char* out, std::uint32_t number) {
  for (int i = 7; i >= 0; --i, number >>= 4) out[i] = kHexDigits[number & 0xF];
}

}  // namespace

std::string hex8(std::uint32_t number) {
  std::string out(8, '0');
  put_hex8(out.data(), number);
  return out;
}

std::string p1_path(std::uint32_t number) {
  std::string out = "P1/00000000.P1";
  put_hex8(out.data() + 3, number);
  return out;
}

std::string mai_path(std::uint32_t number) {
  std::string out = "MAI/MA0/00000000.MAI";
  out[6] = kHexDigits[number & 0xF];
  put_hex8(out.data() + 8, number);
  return out;
}

bool parse_p1_name(std::string_view name, std::uint32_t* number) {
  if (name.size() != 11 || !name.ends_with(".P1")) return false;
  for (char c : name.substr(0, 8)) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  }
  return parse_hex8(name.substr(0, 8), number);
}

std::string encode_p1(const P1Envelope& envelope) {
  TextRecordWriter record(kP1Magic);
  record.add("message-id", envelope.message_id);
  record.add("number", hex8(envelope.number));
  record.add("from", envelope.sender);
  if (!envelope.sender_name.empty()) record.add("from-name", envelope.sender_name);
  add_address_fields(&record, "to", envelope.to, envelope.to_names);
  add_address_fields(&record, "cc", envelope.cc, envelope.cc_names);
  record.add("mai", envelope.mai_path);
  record.add("submitted-us", std::to_string(envelope.submitted_us));
  if (envelope.dirsync) record.add("class", kDirSyncClass);
  if (!envelope.dirsync && !envelope.message_class.empty())
    record.add("class", envelope.message_class);
  if (!envelope.header_subject.empty()) record.add("subject", envelope.header_subject);
  if (envelope.sent_us) record.add("sent-us", std::to_string(*envelope.sent_us));
  return record.finish();
}

Status decode_p1(std::string_view data, std::string_view path, P1Envelope* out) {
  // Read for every message the Mailer checks: one pass over the fields, in which the first
  // value of each field counts, with decode_text_record's checks and the errors of the
  // required fields, read_address_fields and read_message_class in their order.
  TextFieldReader record;
  Status s = record.open(kP1Magic, data, path);
  if (!s.ok()) return s;
  P1Envelope envelope;
  AddressFields to{"to", "to-name", &envelope.to, &envelope.to_names};
  AddressFields cc{"cc", "cc-name", &envelope.cc, &envelope.cc_names};
  // The required fields first, in the order their absence is reported.
  enum Field { kId, kNumber, kFrom, kMai, kSubmitted, kFromName, kClass, kSubject, kSent, kCount };
  static constexpr std::array<std::string_view, kCount> kNames = {
      "message-id", "number", "from",    "mai",    "submitted-us",
      "from-name",  "class",  "subject", "sent-us"};
  FirstValues<kNames> first;
  std::string_view previous;
  std::string_view key;
  std::string_view value;
  while (record.next(&key, &value)) {
    if (!to.take(key, value, previous) && !cc.take(key, value, previous)) first.take(key, value);
    previous = key;
  }
  s = record.status();
  if (!s.ok()) return s;
  for (std::size_t field = kId; field <= kSubmitted; ++field) {
    if (!first.has(field)) return missing_field(path, kNames[field]);
  }
  envelope.message_id = first[kId];
  envelope.sender = first[kFrom];
  envelope.sender_name = first[kFromName];
  s = to.finish(path);
  if (s.ok()) s = cc.finish(path);
  if (!s.ok()) return s;
  // The envelope's class may also be an MS Mail message class ("IPM.…"): mail, not dir-sync.
  const std::string_view mail_class = first[kClass];
  if (mail_class.starts_with("IPM.")) {
    envelope.message_class = mail_class;
  } else {
    s = message_class_of(first.has(kClass) ? &mail_class : nullptr, path, &envelope.dirsync);
    if (!s.ok()) return s;
  }
  envelope.header_subject = first[kSubject];
  if (envelope.header_subject.size() > kHeaderSubjectLimit) {
    return Status::Corruption(std::string(path) + ": field 'subject' is longer than " +
                              std::to_string(kHeaderSubjectLimit) + " characters");
  }
  if (first.has(kSent)) {
    std::int64_t sent = 0;
    if (!parse_whole_number(first[kSent], 10, &sent)) {
      return Status::Corruption(std::string(path) + ": field 'sent-us' is not a number");
    }
    envelope.sent_us = sent;
  }
  envelope.mai_path = first[kMai];
  if (!parse_hex8(first[kNumber], &envelope.number)) {
    return Status::Corruption(std::string(path) + ": field 'number' is not hexadecimal");
  }
  if (!parse_whole_number(first[kSubmitted], 10, &envelope.submitted_us)) {
    return Status::Corruption(std::string(path) + ": field 'submitted-us' is not a number");
  }
  *out = std::move(envelope);
  return Status::Ok();
}

std::string encode_mai(const MaiContent& content) {
  TextRecordWriter record(kMaiMagic);
  record.add("message-id", content.message_id);
  record.add("from", content.sender);
  record.add("subject", content.subject);
  if (!content.reply_to.empty()) record.add("reply-to", content.reply_to);
  add_attachment_fields(&record, content.attachments);
  if (!content.receipt_date.empty()) record.add("receipt-date", content.receipt_date);
  return record.finish(content.body);
}

Status decode_mai(std::string_view data, std::string_view path, MaiContent* out) {
  // Read for every message the Mailer checks: one pass over the fields, the first value of each
  // counting, with decode_text_record's checks and the required field's and
  // read_attachment_fields' errors in their order. The attachment lines, which most messages
  // have none of, are read from a decoded record.
  TextFieldReader record;
  Status s = record.open(kMaiMagic, data, path);
  if (!s.ok()) return s;
  enum Field { kId, kFrom, kSubject, kReplyTo, kReceiptDate, kCount };
  static constexpr std::array<std::string_view, kCount> kNames = {"message-id", "from", "subject",
                                                                  "reply-to", "receipt-date"};
  FirstValues<kNames> first;
  bool attachment_lines = false;
  std::string_view key;
  std::string_view value;
  while (record.next(&key, &value)) {
    if (!first.take(key, value) && key.starts_with("attachment")) attachment_lines = true;
  }
  s = record.status();
  if (!s.ok()) return s;
  if (!first.has(kId)) return missing_field(path, kNames[kId]);
  std::vector<Attachment> attachments;
  if (attachment_lines) {
    TextRecordView fields;
    s = decode_text_record(kMaiMagic, data, path, &fields);
    if (s.ok()) s = read_attachment_fields(fields, path, &attachments);
    if (!s.ok()) return s;
  }
  out->attachments = std::move(attachments);
  out->message_id = first[kId];
  out->sender = first[kFrom];
  out->subject = first[kSubject];
  out->reply_to = first[kReplyTo];
  out->receipt_date = first[kReceiptDate];
  out->body = record.body();
  return Status::Ok();
}

}  // namespace msmi
