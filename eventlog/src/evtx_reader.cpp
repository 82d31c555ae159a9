// The .evtx reader, through libevtx. libevtx gives most fields directly (record number, written
// time, EventID and Qualifiers, Level, source, computer, SID, strings, binary data); Task,
// Keywords and TimeCreated it has no getter for, so they come from the record's XML as libevtx
// renders it, parsed by the same EventXmlParser as wevtutil's XML.
#include <libevtx.h>

#include <sys/stat.h>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>

#include "event_xml_parser.h"
#include "evtx_crc.h"
#include "msmilog/evtx_log.h"

namespace msmilog {
namespace {

// libevtx's message for `error`, which it frees.
std::string take_error(libevtx_error_t* error) {
  if (error == nullptr) return "unknown error";
  char text[1024];
  text[0] = '\0';
  libevtx_error_sprint(error, text, sizeof text);
  libevtx_error_free(&error);
  std::string message = text;
  // libevtx chains messages with newlines, outermost last; keep them on one line.
  for (char& c : message) {
    if (c == '\n') c = ';';
  }
  while (!message.empty() && (message.back() == ';' || message.back() == ' ')) message.pop_back();
  return message;
}

class Record {
 public:
  ~Record() {
    if (record_ != nullptr) libevtx_record_free(&record_, nullptr);
  }
  libevtx_record_t** address() { return &record_; }
  libevtx_record_t* get() const { return record_; }

 private:
  libevtx_record_t* record_ = nullptr;
};

// Reads a UTF-8 string through a libevtx size/value getter pair. False when absent or failing.
template <typename SizeFn, typename ValueFn>
bool get_utf8(SizeFn size_fn, ValueFn value_fn, std::string* out) {
  std::size_t size = 0;
  if (size_fn(&size) != 1 || size == 0) return false;
  std::string text(size, '\0');
  if (value_fn(reinterpret_cast<std::uint8_t*>(text.data()), size) != 1) return false;
  text.resize(std::strlen(text.c_str()));
  *out = std::move(text);
  return true;
}

std::uint64_t get_le(const std::uint8_t* at, int size) {
  std::uint64_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = (v << 8) | at[i];
  return v;
}

// Walks the file's chunks alongside libevtx, one chunk in memory at a time, to learn what
// libevtx does not say: each record's byte offset (this libevtx's record offset is always 0),
// which chunk fails its checksums or is cut short, and which records are in the file but were
// not returned. libevtx returns live records in file order, so the walk only moves forward.
class ChunkScanner {
 public:
  ChunkScanner(const std::string& path, std::uint64_t file_size) : file_size_(file_size) {
    file_ = std::fopen(path.c_str(), "rb");
    std::uint8_t header[128] = {};
    if (file_ == nullptr || std::fread(header, 1, sizeof header, file_) != sizeof header) return;
    declared_chunks_ = get_le(header + 42, 2);
    if (get_le(header + 124, 4) != evtx_crc32(header, 120)) {
      notes_.push_back({0, false, "the file header's checksum does not match its contents"});
    }
  }
  ~ChunkScanner() {
    if (file_ != nullptr) std::fclose(file_);
  }

  // The byte offset of the live record `id`, 0 when the walk does not find it.
  std::uint64_t locate(std::uint64_t id) {
    for (;;) {
      while (next_entry_ < entries_.size()) {
        const Entry& entry = entries_[next_entry_];
        if (entry.id > id) return 0;  // not in the file where it should be
        ++next_entry_;
        if (entry.id == id) {
          flush_unreturned();
          return entry.offset;
        }
        if (unreturned_count_ == 0) unreturned_first_ = entry;
        unreturned_last_ = entry;
        ++unreturned_count_;
      }
      if (!scan_next_chunk()) {
        flush_unreturned();
        return 0;
      }
    }
  }

  // Walks the chunks not yet walked, for their notes.
  void finish() {
    locate(~std::uint64_t{0});
    if (declared_chunks_ != chunk_index_ && file_ != nullptr) {
      notes_.push_back({0, false,
                        "the file header lists " + std::to_string(declared_chunks_) +
                            " chunks; the file holds " + std::to_string(chunk_index_)});
    }
  }

  std::vector<ReadIssue>& notes() { return notes_; }

 private:
  struct Entry {
    std::uint64_t id;
    std::uint64_t offset;
  };

  // One note for a run of records libevtx skipped.
  void flush_unreturned() {
    if (unreturned_count_ == 0) return;
    std::string message = unreturned_count_ == 1
                              ? "record " + std::to_string(unreturned_first_.id) + " at offset " +
                                    std::to_string(unreturned_first_.offset) +
                                    " is in the file but libevtx did not return it"
                              : std::to_string(unreturned_count_) + " records (" +
                                    std::to_string(unreturned_first_.id) + " to " +
                                    std::to_string(unreturned_last_.id) + ", offsets " +
                                    std::to_string(unreturned_first_.offset) + " to " +
                                    std::to_string(unreturned_last_.offset) +
                                    ") are in the file but libevtx did not return them";
    notes_.push_back({unreturned_first_.offset, false, std::move(message)});
    unreturned_count_ = 0;
  }

  bool scan_next_chunk() {
    if (file_ == nullptr) return false;
    const std::uint64_t base = 4096 + chunk_index_ * kChunk;
    if (base >= file_size_) return false;
    const std::string where =
        "chunk " + std::to_string(chunk_index_) + " at offset " + std::to_string(base);
    ++chunk_index_;
    entries_.clear();
    next_entry_ = 0;
    chunk_.assign(kChunk, 0);
    if (std::fseek(file_, static_cast<long>(base), SEEK_SET) != 0) return false;
    const std::size_t n = std::fread(chunk_.data(), 1, kChunk, file_);
    if (n < kChunk) {
      notes_.push_back({base, false,
                        where + " is cut short: the file ends after " + std::to_string(n) +
                            " of its " + std::to_string(kChunk) + " bytes"});
    }
    const std::uint8_t* c = chunk_.data();
    if (n < 512 || std::memcmp(c, "ElfChnk\0", 8) != 0) {
      notes_.push_back({base, false, where + " has no chunk signature"});
      return true;
    }
    const std::uint32_t header_crc = evtx_crc32(c + 128, 384, evtx_crc32(c, 120));
    if (get_le(c + 124, 4) != header_crc) {
      notes_.push_back({base, false, where + ": the chunk header's checksum does not match"});
    }
    const std::uint64_t free_offset = get_le(c + 48, 4);
    if (free_offset >= 512 && free_offset <= kChunk &&
        get_le(c + 52, 4) != evtx_crc32(c + 512, free_offset - 512)) {
      notes_.push_back({base, false,
                        where + ": the event records' checksum does not match (records " +
                            std::to_string(get_le(c + 24, 8)) + " to " +
                            std::to_string(get_le(c + 32, 8)) + ")"});
    }
    for (std::size_t at = 512; at + 28 <= n && at < free_offset;) {
      const std::uint64_t size = get_le(c + at + 4, 4);
      if (std::memcmp(c + at, "\x2a\x2a\x00\x00", 4) != 0 || size < 28 || at + size > kChunk) {
        break;
      }
      entries_.push_back({get_le(c + at + 8, 8), base + at});
      at += size;
    }
    return true;
  }

  static constexpr std::uint64_t kChunk = 65536;
  std::FILE* file_ = nullptr;
  std::uint64_t file_size_;
  std::uint64_t declared_chunks_ = 0;
  std::uint64_t chunk_index_ = 0;
  std::vector<std::uint8_t> chunk_;
  std::vector<Entry> entries_;
  std::size_t next_entry_ = 0;
  Entry unreturned_first_{}, unreturned_last_{};
  std::uint64_t unreturned_count_ = 0;
  std::vector<ReadIssue> notes_;
};

class EvtxReader : public LogReader {
 public:
  EvtxReader(libevtx_file_t* file, std::string path, std::uint64_t size)
      : file_(file), path_(std::move(path)), total_bytes_(size), scanner_(path_, size) {
    libevtx_file_get_number_of_records(file_, &live_, nullptr);
    libevtx_file_get_number_of_recovered_records(file_, &recovered_count_, nullptr);
    if (libevtx_file_is_corrupted(file_, nullptr) == 1) {
      notes_.push_back({0, false,
                        "libevtx reports the file as corrupted (a chunk with a bad checksum or a "
                        "truncated file): records in damaged chunks may be missing or recovered"});
    }
  }
  ~EvtxReader() override {
    libevtx_file_close(file_, nullptr);
    libevtx_file_free(&file_, nullptr);
  }

  std::string_view format() const override { return "evtx"; }

  ReadResult next(LogRecord* out) override {
    if (index_ >= live_ + recovered_count_) {
      if (!finished_) {
        finished_ = true;
        flush_recovered();
        scanner_.finish();
        notes_.insert(notes_.end(), scanner_.notes().begin(), scanner_.notes().end());
        scanner_.notes().clear();
      }
      return ReadResult::kEnd;
    }
    const int index = index_++;
    const bool recovered = index >= live_;
    const int local = recovered ? index - live_ : index;
    Record record;
    libevtx_error_t* error = nullptr;
    const int rc =
        recovered
            ? libevtx_file_get_recovered_record_by_index(file_, local, record.address(), &error)
            : libevtx_file_get_record_by_index(file_, local, record.address(), &error);
    if (rc != 1) {
      issue_ = {0, false,
                std::string(recovered ? "recovered record" : "record") + " index " +
                    std::to_string(local) + ": libevtx cannot read it: " + take_error(error)};
      return ReadResult::kMalformed;
    }
    std::string why;
    if (!convert(record.get(), out, &why)) {
      issue_ = {out->position, false,
                std::string(recovered ? "recovered record" : "record") + " index " +
                    std::to_string(local) + " at offset " + std::to_string(out->position) + ": " +
                    why};
      return ReadResult::kMalformed;
    }
    if (!recovered) {
      out->position = scanner_.locate(identifier_);
      notes_.insert(notes_.end(), scanner_.notes().begin(), scanner_.notes().end());
      scanner_.notes().clear();
    }
    bytes_read_ = out->position;
    if (recovered) {
      ++recovered_read_;
      if (recovered_run_ > 0 && out->record_number == recovered_last_ + 1) {
        ++recovered_run_;
      } else {
        flush_recovered();
        recovered_first_ = out->record_number;
        recovered_run_ = 1;
      }
      recovered_last_ = out->record_number;
    } else {
      if (last_number_ != 0 && out->record_number > last_number_ + 1) {
        notes_.push_back({out->position, false,
                          out->record_number == last_number_ + 2
                              ? "record " + std::to_string(last_number_ + 1) +
                                    " is missing (a gap in the record numbers)"
                              : "records " + std::to_string(last_number_ + 1) + " to " +
                                    std::to_string(out->record_number - 1) +
                                    " are missing (a gap in the record numbers)"});
      }
      last_number_ = out->record_number;
    }
    if (index_ == live_ + recovered_count_) bytes_read_ = total_bytes_;
    return ReadResult::kRecord;
  }

  bool holds_no_record() const { return live_ + recovered_count_ == 0; }
  const ReadIssue& issue() const override { return issue_; }
  std::vector<ReadIssue> notes() const override { return notes_; }
  std::uint64_t recovered() const override { return recovered_read_; }
  std::uint64_t bytes_read() const override { return bytes_read_; }
  std::uint64_t total_bytes() const override { return total_bytes_; }

 private:
  // One note per run of consecutively numbered recovered records.
  void flush_recovered() {
    if (recovered_run_ == 0) return;
    notes_.push_back({0, false,
                      recovered_run_ == 1
                          ? "record " + std::to_string(recovered_first_) +
                                " was recovered by libevtx from outside the live log"
                          : std::to_string(recovered_run_) + " records (" +
                                std::to_string(recovered_first_) + " to " +
                                std::to_string(recovered_last_) +
                                ") were recovered by libevtx from outside the live log"});
    recovered_run_ = 0;
  }

  bool convert(libevtx_record_t* r, LogRecord* out, std::string* why) {
    *out = LogRecord();
    off64_t offset = 0;
    if (libevtx_record_get_offset(r, &offset, nullptr) == 1) {
      out->position = static_cast<std::uint64_t>(offset);
    }
    // Task, Keywords and TimeCreated: from the XML libevtx renders.
    std::string xml;
    const bool have_xml = get_utf8(
        [&](std::size_t* size) {
          return libevtx_record_get_utf8_xml_string_size(r, size, nullptr);
        },
        [&](std::uint8_t* text, std::size_t size) {
          return libevtx_record_get_utf8_xml_string(r, text, size, nullptr);
        },
        &xml);
    std::deque<ParsedEvent> parsed;
    ReadIssue xml_error;
    bool from_xml = false;
    if (have_xml) {
      EventXmlParser parser;
      if (parser.feed(xml.data(), xml.size(), true, &parsed, &xml_error) && parsed.size() == 1 &&
          parsed.front().ok) {
        const std::uint64_t position = out->position;
        *out = std::move(parsed.front().record);
        out->position = position;
        from_xml = true;
      }
    }
    // The fields libevtx reads itself win over the XML's.
    identifier_ = 0;
    if (libevtx_record_get_identifier(r, &identifier_, nullptr) == 1) {
      out->record_number = static_cast<std::uint32_t>(identifier_);
    }
    std::uint64_t filetime = 0;
    if (libevtx_record_get_written_time(r, &filetime, nullptr) == 1) {
      out->written_us = filetime_to_epoch_us(filetime);
      if (!from_xml) out->created_us = out->written_us;
    }
    std::uint8_t level = 0;
    if (libevtx_record_get_event_level(r, &level, nullptr) == 1) {
      out->type = type_from_level(level, keywords_of(*out));
    }
    std::uint32_t id = 0;
    if (libevtx_record_get_event_identifier(r, &id, nullptr) == 1) {
      std::uint32_t qualifiers = 0;
      if (libevtx_record_get_event_identifier_qualifiers(r, &qualifiers, nullptr) == 1) {
        out->event_identifier = (qualifiers << 16) | (id & 0xFFFFu);
        out->identifier_complete = true;
      } else {
        out->event_identifier = make_event_identifier(static_cast<int>(id & 0xFFFFu), out->type);
        out->identifier_complete = false;
      }
    } else if (!from_xml) {
      *why = "no EventID (libevtx and the record's XML both fail to give one)";
      if (!xml_error.message.empty()) *why += "; " + xml_error.message;
      return false;
    }
    get_utf8(
        [&](std::size_t* size) {
          return libevtx_record_get_utf8_source_name_size(r, size, nullptr);
        },
        [&](std::uint8_t* text, std::size_t size) {
          return libevtx_record_get_utf8_source_name(r, text, size, nullptr);
        },
        &out->source);
    get_utf8(
        [&](std::size_t* size) {
          return libevtx_record_get_utf8_computer_name_size(r, size, nullptr);
        },
        [&](std::uint8_t* text, std::size_t size) {
          return libevtx_record_get_utf8_computer_name(r, text, size, nullptr);
        },
        &out->computer);
    get_utf8(
        [&](std::size_t* size) {
          return libevtx_record_get_utf8_user_security_identifier_size(r, size, nullptr);
        },
        [&](std::uint8_t* text, std::size_t size) {
          return libevtx_record_get_utf8_user_security_identifier(r, text, size, nullptr);
        },
        &out->user);
    // libevtx counts <Binary> among the strings, so the XML's <Data> elements are preferred;
    // libevtx's strings and data only stand in when the XML could not be parsed.
    int strings = 0;
    if (!from_xml && libevtx_record_get_number_of_strings(r, &strings, nullptr) == 1) {
      out->strings.clear();
      for (int i = 0; i < strings; ++i) {
        std::string text;
        get_utf8(
            [&](std::size_t* size) {
              return libevtx_record_get_utf8_string_size(r, i, size, nullptr);
            },
            [&](std::uint8_t* value, std::size_t size) {
              return libevtx_record_get_utf8_string(r, i, value, size, nullptr);
            },
            &text);
        out->strings.push_back(std::move(text));
      }
    }
    std::size_t data_size = 0;
    if (!from_xml && libevtx_record_get_data_size(r, &data_size, nullptr) == 1 && data_size > 0) {
      std::string data(data_size, '\0');
      if (libevtx_record_get_data(r, reinterpret_cast<std::uint8_t*>(data.data()), data_size,
                                  nullptr) == 1) {
        out->data = std::move(data);
      }
    }
    if (out->source.empty()) {
      *why = "no Provider Name";
      return false;
    }
    return true;
  }

  // The audit bits of the Keywords, which only the XML carries: recovered from the type the XML
  // parse gave (type_from_level put them there).
  static std::uint64_t keywords_of(const LogRecord& record) {
    return event_keywords(record.type) & ~event_keywords(NtEventType::kInformation);
  }

  libevtx_file_t* file_;
  std::string path_;
  std::uint64_t total_bytes_;
  ChunkScanner scanner_;
  bool finished_ = false;
  int live_ = 0;
  int recovered_count_ = 0;
  int index_ = 0;
  std::uint64_t recovered_read_ = 0;
  std::uint64_t identifier_ = 0;  // the last record's 64-bit identifier
  std::uint32_t recovered_first_ = 0, recovered_last_ = 0;
  std::uint64_t recovered_run_ = 0;
  std::uint32_t last_number_ = 0;
  std::uint64_t bytes_read_ = 0;
  ReadIssue issue_;
  std::vector<ReadIssue> notes_;
};

}  // namespace

bool detect_evtx(std::string_view head) {
  return head.substr(0, 8) == std::string_view("ElfFile\0", 8);
}

msmi::Status open_evtx_reader(const std::string& path, const ReaderOptions& /*options*/,
                              std::unique_ptr<LogReader>* out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return msmi::Status::IoError(path + ": cannot open: " + std::strerror(errno));
  }
  libevtx_file_t* file = nullptr;
  libevtx_error_t* error = nullptr;
  if (libevtx_file_initialize(&file, &error) != 1) {
    return msmi::Status::IoError(path + ": libevtx: " + take_error(error));
  }
  if (libevtx_file_open(file, path.c_str(), LIBEVTX_OPEN_READ, &error) != 1) {
    libevtx_file_free(&file, nullptr);
    return msmi::Status::Corruption(path + ": not a readable .evtx file: " + take_error(error));
  }
  auto reader = std::make_unique<EvtxReader>(file, path, static_cast<std::uint64_t>(st.st_size));
  if (reader->holds_no_record()) {
    // No record, and a header at odds with the file (its checksum, its chunk count): the
    // signature without an event log behind it, refused rather than imported as an empty log.
    ChunkScanner scanner(path, static_cast<std::uint64_t>(st.st_size));
    scanner.finish();
    std::string why;
    for (const ReadIssue& note : scanner.notes()) why += (why.empty() ? "" : "; ") + note.message;
    if (!why.empty()) {
      return msmi::Status::Corruption(path + ": not a readable .evtx file: no record in it, and " +
                                      why);
    }
  }
  *out = std::move(reader);
  return msmi::Status::Ok();
}

}  // namespace msmilog
