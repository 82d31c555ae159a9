// Writes the seed corpora of the fuzz targets: real inputs made by msmisim's own encoders and
// writers (P1, MAI, NETWORK.GLB, mailbag records and KEY/MBG pairs, event logs in every format it
// exports), the scenarios under scenarios/ and the fault rules they hold, and values as users
// type them. Each goes to OUT/<target>/<name>. scripts/fuzz.sh grows these under libFuzzer and
// merges what adds coverage into tests/fuzz/corpus.
//   make_seeds SOURCE_DIR OUT
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_targets.h"
#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmilog/evtx_log.h"
#include "msmilog/log_reader.h"
#include "msmilog/log_writer.h"
#include "msmisim/memory_file_system.h"

namespace {

namespace fs = std::filesystem;

fs::path out_dir;
int written = 0;

void seed(std::string_view target, const std::string& name, std::string_view bytes) {
  const fs::path dir = out_dir / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ++written;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void postoffice_seeds() {
  msmi::P1Envelope plain;
  plain.message_id = "EXCHSRV1:0000002A";
  plain.number = 42;
  plain.sender = "MS:CORP/HQ/ALICE";
  plain.to = {"X400:c=US;a= ;p=Corp;o=Exchange;s=Bob"};
  plain.mai_path = msmi::mai_path(42);
  plain.submitted_us = 864'000'000'000;
  seed("p1", "plain", msmi::encode_p1(plain));
  msmi::P1Envelope full = plain;
  full.sender_name = "Alice Smith";
  full.to_names = {"Bob Jones"};
  full.cc = {"SMTP:carol@example.com", "MS:CORP/HQ/DAVE"};
  full.cc_names = {"", "Dave"};
  full.message_class = std::string(msmi::kReadReceiptClass);
  full.header_subject = "Budget 2000";
  full.sent_us = 863'999'000'000;
  seed("p1", "names-cc-class", msmi::encode_p1(full));
  msmi::P1Envelope dirsync = plain;
  dirsync.dirsync = true;
  seed("p1", "dirsync", msmi::encode_p1(dirsync));

  msmi::MaiContent note;
  note.message_id = plain.message_id;
  note.sender = plain.sender;
  note.subject = "Budget 2000";
  note.body = "Line one\r\nLine two\r\n";
  seed("mai", "note", msmi::encode_mai(note));
  msmi::MaiContent attached = note;
  attached.reply_to = "MS:CORP/HQ/ALICE";
  attached.receipt_date = "1997-05-22T09:00:00Z";
  attached.attachments = {{msmi::AttachmentKind::kFile, "REPORT.DOC", ""},
                          {msmi::AttachmentKind::kOle2, "Chart", "Excel.Chart.5"},
                          {msmi::AttachmentKind::kOle1, "Picture", "Paintbrush"},
                          {msmi::AttachmentKind::kMessage, "", ""}};
  seed("mai", "attachments-receipt", msmi::encode_mai(attached));

  msmi::NetworkDirectory directory;
  directory.postoffices = {{"CORP", "HQ"}, {"CORP", "SALES"}, {"BRANCH", "LONDON"}};
  seed("network_glb", "three", msmi::encode_network_glb(directory));
  seed("network_glb", "empty", msmi::encode_network_glb({}));

  msmi::InqueueRecord inbound{"EXCHSRV1:0000002A", 42};
  msmi::OutboundRecord outbound;
  outbound.message_id = "EXCHSRV1:0000002B";
  outbound.sender = "X400:c=US;a= ;p=Corp;o=Exchange;s=Bob";
  outbound.sender_name = "Bob Jones";
  outbound.recipients = {"MS:CORP/HQ/ALICE", "MS:CORP/SALES/ERIN"};
  outbound.recipient_names = {"Alice", ""};
  outbound.subject = "Re: Budget 2000";
  outbound.attachments = attached.attachments;
  msmi::OutboundRecord ndr = outbound;
  ndr.kind = "ndr";
  ndr.reason = "[002] Unknown address";
  seed("queue_records", "inbound", msmi::encode_inqueue_record(inbound));
  seed("queue_records", "outbound", msmi::encode_outbound_record(outbound));
  seed("queue_records", "ndr", msmi::encode_outbound_record(ndr));

  // Mailbags as the engine leaves them: records appended, one checked, one removed.
  msmisim::MemoryFileSystem po;
  (void)po.make_dirs("KEY");
  (void)po.make_dirs("MBG");
  msmi::Mailbag bag(po, "INQUEUE3");
  const auto frame = [&](const std::string& name) {
    std::string key;
    std::string mbg;
    (void)po.read_file(bag.key_path(), &key);
    (void)po.read_file(bag.mbg_path(), &mbg);
    std::string framed;
    for (int i = 0; i < 4; ++i) framed += static_cast<char>((key.size() >> (8 * i)) & 0xff);
    seed("mailbag", name, framed + key + mbg);
  };
  std::uint32_t seq = 0;
  (void)bag.append(msmi::encode_inqueue_record(inbound), &seq);
  frame("one-new");
  (void)bag.append(msmi::encode_outbound_record(outbound), &seq);
  (void)bag.append(msmi::encode_outbound_record(ndr), &seq);
  (void)bag.update(1, msmi::MailbagState::kReady, 2);
  frame("three-one-ready");
  (void)bag.remove(2);
  frame("one-removed");
  (void)bag.reset();
  frame("reset");
}

// Every string under a "rule" key of a scenario, as the fault rules are written.
void collect_rules(const nlohmann::json& node, std::vector<std::string>* rules) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "rule" && value.is_string()) rules->push_back(value.get<std::string>());
      collect_rules(value, rules);
    }
  } else if (node.is_array()) {
    for (const auto& value : node) collect_rules(value, rules);
  }
}

void scenario_seeds(const fs::path& source) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(source / "scenarios"))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> rules;
  for (const fs::path& file : files) {
    const std::string text = read_all(file);
    seed("scenario", file.parent_path().filename().string() + "-" + file.filename().string(), text);
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_discarded()) collect_rules(doc, &rules);
  }
  std::sort(rules.begin(), rules.end());
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
  for (std::size_t i = 0; i < rules.size(); ++i)
    seed("fault_rule", "rule-" + std::to_string(i), rules[i]);
}

void text_value_seeds() {
  // The first byte chooses the parser (targets_text.cpp): 0 duration, 1 time, 2 address,
  // 3 postoffice name, 4 number, 5 P1 file name.
  const std::vector<std::pair<char, std::string>> values = {
      {0, "1h30m"},
      {0, "2m500ms"},
      {0, "90"},
      {1, "1997-05-22T09:00:00Z"},
      {1, "1998-04-12T23:59:59.123456789"},
      {2, "MS:CORP/HQ/ALICE"},
      {2, "SMTP:carol@example.com"},
      {2, "X400:c=US;a= ;p=Corp;o=Exchange;s=Bob;g=Jones"},
      {3, "CORP/HQ"},
      {4, "0x632e6262"},
      {4, "18446744073709551615"},
      {5, "0000002A.P1"},
  };
  for (std::size_t i = 0; i < values.size(); ++i)
    seed("text_values", "value-" + std::to_string(i),
         std::string(1, values[i].first) + values[i].second);
}

// A few records like the connector's, written by every writer msmisim has; each file goes to the
// corpus of every importer that recognises it.
void log_seeds() {
  std::vector<msmilog::LogRecord> records(3);
  for (std::size_t i = 0; i < records.size(); ++i) {
    msmilog::LogRecord& r = records[i];
    r.record_number = static_cast<std::uint32_t>(i + 1);
    r.source = "MSExchangeMSMI";
    r.computer = "EXCHSRV1";
    r.created_us = r.written_us = 864'000'000'000 + static_cast<std::int64_t>(i) * 1'000'000;
    r.category = 2;
    r.category_name = "Session Error";
  }
  records[0].event_identifier = 0xC0000926;  // 2342, Error
  records[0].type = msmilog::NtEventType::kError;
  records[0].strings = {"0x15"};
  records[0].description =
      "MS Mail Connector Interchange failed to put into XOM stream. Return "
      "code is 0x15.";
  records[1].event_identifier = 0x80000845;  // 2117, Warning
  records[1].type = msmilog::NtEventType::kWarning;
  records[1].strings = {"MS:CORP/HQ/ALICE", "Budget 2000", "[002] Unknown address",
                        "X400:c=US;a= ;p=Corp;o=Exchange;s=Nobody"};
  records[1].user = "S-1-5-18";
  records[1].data = std::string("\x01\x02\x00\xff", 4);
  records[2].event_identifier = 0x40000950;  // 2384, Information
  records[2].strings = {};
  records[2].description =
      "MS Mail Connector Interchange has established an MTA session for "
      "uploading messages to the Exchange server.";

  const fs::path scratch = out_dir / ".writers";
  fs::create_directories(scratch);
  std::vector<
      std::pair<std::string, msmi::Status (*)(const std::string&, const msmilog::WriterOptions&,
                                              std::unique_ptr<msmilog::LogWriter>*)>>
      writers;
  for (const msmilog::LogExportFormat& f : msmilog::log_export_formats())
    writers.emplace_back(std::string(f.name), f.create);
  writers.emplace_back("evtx", msmilog::create_evtx_writer);
  for (const auto& [name, create] : writers) {
    const fs::path file = scratch / name;
    std::unique_ptr<msmilog::LogWriter> writer;
    if (!create(file.string(), {"EXCHSRV1"}, &writer).ok()) continue;
    bool ok = true;
    for (const msmilog::LogRecord& r : records) {
      msmilog::LogRecord copy = r;
      if (!writer->holds_user(copy.user)) copy.user.clear();
      ok = ok && writer->write(copy).ok();
    }
    if (!ok || !writer->finish().ok()) continue;
    writer.reset();
    const std::string bytes = read_all(file);
    for (const msmilog::LogFormat& f : msmilog::log_formats()) {
      if (!f.detect(std::string_view(bytes).substr(0, 4096))) continue;
      std::string target = "import_" + std::string(f.name);
      for (char& c : target)
        if (c == '-') c = '_';
      seed(target, "written-" + name, bytes);
    }
  }
  fs::remove_all(scratch);
  // The NT 4.0 Event Viewer's own exports, which msmisim reads but does not write.
  const std::string nt_fields[] = {"5/22/1997",
                                   "1:05:09 PM",
                                   "MSExchangeMSMI",
                                   "Error",
                                   "Session Error",
                                   "2342",
                                   "N/A",
                                   "EXCHSRV1",
                                   "MS Mail Connector Interchange failed to put into XOM stream. "
                                   "Return code is 0x15."};
  std::string tab_line;
  std::string comma_line;
  for (const std::string& field : nt_fields) {
    tab_line += (tab_line.empty() ? "" : "\t") + field;
    comma_line += (comma_line.empty() ? "" : ",") + field;
  }
  seed("import_nt_text", "nt4-export", tab_line + "\r\n" + tab_line + "\r\n");
  seed("import_nt_csv", "nt4-export", comma_line + "\r\n" + comma_line + "\r\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_seeds SOURCE_DIR OUT\n");
    return 2;
  }
  out_dir = argv[2];
  try {
    postoffice_seeds();
    scenario_seeds(argv[1]);
    text_value_seeds();
    log_seeds();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_seeds: %s\n", e.what());
    return 1;
  }
  for (const fuzz::Target& t : fuzz::targets())
    if (!fs::exists(out_dir / t.name))
      std::fprintf(stderr, "make_seeds: no seed for %s\n", std::string(t.name).c_str());
  std::printf("%d seeds in %s\n", written, out_dir.c_str());
  return 0;
}
