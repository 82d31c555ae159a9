// Windows Vista+ XML event logs (.evtx): the reader goes through libevtx (libyal); the writer is
// msmisim's own (see evtx_writer.cpp for the format). The entries "evtx" of
// log_formats() and log_export_formats() point here.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "msmi/status.h"
#include "msmilog/log_reader.h"
#include "msmilog/log_writer.h"

namespace msmilog {

// True when `head` starts with the .evtx file signature "ElfFile\0".
bool detect_evtx(std::string_view head);

// Opens an .evtx file through libevtx. Records come in the order libevtx lists them, then the
// records libevtx recovered from outside the live log, e.g. from a chunk whose signature is
// damaged (counted by recovered(), noted as runs of record numbers). Per
// record: record number (EventRecordID), EventID with Qualifiers (identifier_complete only when
// the record has Qualifiers), Level → type, Task → category, TimeCreated → created_us, the
// record header's written time → written_us, Provider Name, Computer, Security UserID,
// EventData strings and binary data; position is the record's byte offset (0 for recovered
// records, whose offset this libevtx does not give). A record libevtx cannot read is kMalformed
// with its index (and offset when known), and reading continues.
// The reader also walks the chunks itself, one at a time, and notes(): a file or chunk header
// whose checksum does not match, records whose checksum does not match (naming the chunk and its
// record numbers), a chunk cut short or without signature, a header counting more chunks than
// the file holds, records present in the file that libevtx did not return, gaps in the record
// numbers, recovered records, and libevtx's own verdict that the file is corrupted.
// Known limitation of libevtx 20181227: characters outside the Basic Multilingual Plane (UTF-16
// surrogate pairs, e.g. emoji) come back as the wrong character.
// Corruption naming the file when libevtx cannot open it as .evtx; IoError when it cannot be
// opened at all.
msmi::Status open_evtx_reader(const std::string& path, const ReaderOptions& options,
                              std::unique_ptr<LogReader>* out);

// Writes an .evtx file: a file header, 64 KiB chunks, one event record per LogRecord holding
// the same <Event> element the "evtx-xml" writer prints, minus RenderingInfo (an .evtx stores no
// rendered text: description and category_name are not written). Record identifiers are the
// records' numbers while they increase, else the previous one plus one. The header is completed
// by finish(). Not "-": the file must be seekable. InvalidArgument when a record does not fit
// in a chunk or a string is not UTF-8.
msmi::Status create_evtx_writer(const std::string& path, const WriterOptions& options,
                                std::unique_ptr<LogWriter>* out);

}  // namespace msmilog
