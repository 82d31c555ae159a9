// The event catalogues (the engine's and the world's): every event the KB archive quotes
// (shared/kb-events.tsv) has an entry with the quoted source, type and category; templates
// rendered with insertion strings reproduce the quoted texts byte for byte; unknown IDs get
// their nearest known neighbours; and the engine's logger records the insertion strings.

#include <QFile>
#include <QtTest>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "msmi/clock.h"
#include "msmi/diagnostics.h"
#include "msmi/event_catalogue.h"
#include "msmisim/world_events.h"

using msmi::EventSpec;

namespace {

// One row of kb-events.tsv.
struct QuotedEvent {
  int line = 0;
  std::string id_text;  // "2380", "2446/2447", "210 (NMI0210)", "(none)"
  std::string source;
  std::string type;
  std::string category;
  std::string family;  // MSMI, MSMI/SCM, SCM, PCMTA, MTA, IS, DX, EventViewer, Other
  std::string description;
};

QString tsv_path() {
  return QStringLiteral(MSMISIM_SOURCE_DIR "/../shared/kb-events.tsv");
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// Every row of the TSV; false if the file is not there (the archive is not part of every
// checkout).
bool read_tsv(std::vector<QuotedEvent>* rows) {
  QFile file(tsv_path());
  if (!file.open(QIODevice::ReadOnly)) return false;
  int line = 0;
  while (!file.atEnd()) {
    std::string text = file.readLine().toStdString();
    ++line;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (line == 1 || text.empty()) continue;  // the header
    const std::vector<std::string> fields = split(text, '\t');
    if (fields.size() != 6) qFatal("kb-events.tsv line %d: %zu fields", line, fields.size());
    rows->push_back({line, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]});
  }
  return true;
}

// The event IDs a row names: "2446/2447" names two, "210 (NMI0210)" one, "(none)" none.
std::vector<int> ids_of(const std::string& id_text) {
  std::vector<int> ids;
  for (const std::string& part : split(id_text, '/')) {
    std::size_t digits = 0;
    while (digits < part.size() && std::isdigit(static_cast<unsigned char>(part[digits]))) {
      ++digits;
    }
    if (digits > 0) ids.push_back(std::stoi(part.substr(0, digits)));
  }
  return ids;
}

// The source Windows records for a family of the TSV; empty when the family does not tell.
std::string source_of_family(const QuotedEvent& row) {
  if (row.family == "MSMI") return std::string(msmi::kSourceMsmi);
  if (row.family == "MSMI/SCM" || row.family == "SCM") {
    return std::string(msmi::kSourceServiceControl);
  }
  if (row.family == "PCMTA") return std::string(msmisim::kSourcePcMta);
  if (row.family == "MTA") return std::string(msmisim::kSourceMta);
  if (row.family == "IS") return std::string(msmisim::kSourcePrivateStore);
  if (row.family == "DX") return std::string(msmisim::kSourceDirSync);
  // "Other": only a plainly quoted name says which source it is.
  const bool plain = !row.source.empty() && row.source.find_first_of("( ") == std::string::npos;
  return plain ? row.source : std::string();
}

// Lower-case letters and digits only: "Session error" and "SessionError" name one category.
std::string fold(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// A quoted category column that names one of our categories (others, like "Sent" or "Warning"
// in the category column, are quoting slips the catalogue cannot be held to).
bool names_a_category(const std::string& quoted) {
  for (int i = 0; i < msmi::kEventCategoryCount; ++i) {
    if (fold(msmi::to_string(static_cast<msmi::Category>(i))) == fold(quoted)) return true;
  }
  return false;
}

std::vector<const EventSpec*> specs_of(int id) {
  std::vector<const EventSpec*> out;
  for (const EventSpec& spec : msmisim::any_event_catalogue()) {
    if (spec.id == id) out.push_back(&spec);
  }
  return out;
}

std::string describe(const QuotedEvent& row, int id) {
  return "kb-events.tsv line " + std::to_string(row.line) + ": event " + std::to_string(id) + " (" +
         row.family + ", source '" + row.source + "')";
}

class FixedClock : public msmi::Clock {
 public:
  std::int64_t now_us() const override { return 90'000'000; }
};

class RecordingSink : public msmi::EventSink {
 public:
  void write(const msmi::Event& event) override { events.push_back(event); }
  std::vector<msmi::Event> events;
};

}  // namespace

Q_DECLARE_METATYPE(std::vector<std::string>)
Q_DECLARE_METATYPE(std::vector<int>)

class TstEventCatalogue : public QObject {
  Q_OBJECT

 private slots:
  void cataloguesAreSortedDisjointAndHaveMainTexts();
  void everyQuotedEventIsCatalogued();
  void quotedTextsRenderExactly_data();
  void quotedTextsRenderExactly();
  void lookupFindsVariantsAndRefusesUnknown();
  void nearestEventIds_data();
  void nearestEventIds();
  void loggerRecordsInsertionStrings();
  void scmEventsPassEveryLoggingLevel();
};

void TstEventCatalogue::cataloguesAreSortedDisjointAndHaveMainTexts() {
  const auto less = [](const EventSpec& a, const EventSpec& b) {
    return std::tie(a.id, a.variant) < std::tie(b.id, b.variant);
  };
  for (const auto* catalogue : {&msmi::event_catalogue(), &msmisim::world_event_catalogue(),
                                &msmisim::any_event_catalogue()}) {
    QVERIFY(std::is_sorted(catalogue->begin(), catalogue->end(), less));
    QVERIFY(std::adjacent_find(catalogue->begin(), catalogue->end(),
                               [&](const EventSpec& a, const EventSpec& b) {
                                 return !less(a, b);
                               }) == catalogue->end());
  }
  QCOMPARE(msmisim::any_event_catalogue().size(),
           msmi::event_catalogue().size() + msmisim::world_event_catalogue().size());
  for (const EventSpec& spec : msmisim::any_event_catalogue()) {
    const std::string where = std::to_string(spec.id) + "/" + std::string(spec.variant);
    // A variant is a second text of an ID whose main text is there too.
    QVERIFY2(msmisim::find_any_event_spec(spec.id) != nullptr, where.c_str());
    QVERIFY2(!spec.source.empty() && !spec.text.empty(), where.c_str());
    QVERIFY2(spec.level >= 0 && spec.level <= 5, where.c_str());
  }
  // The simulator's operator note is the world's; the hardened build's events are the engine's.
  QVERIFY(msmi::find_event_spec(msmi::event_id::kOperatorAction) == nullptr);
  for (int id : {9001, 9002, 9004, 9005, 9006}) QVERIFY(msmi::find_event_spec(id) != nullptr);
}

void TstEventCatalogue::everyQuotedEventIsCatalogued() {
  std::vector<QuotedEvent> rows;
  if (!read_tsv(&rows)) QSKIP("shared/kb-events.tsv is not beside the source tree");
  QVERIFY(rows.size() > 100);
  int checked = 0;
  for (const QuotedEvent& row : rows) {
    for (int id : ids_of(row.id_text)) {
      const std::string where = describe(row, id);
      const std::vector<const EventSpec*> specs = specs_of(id);
      QVERIFY2(!specs.empty(), (where + ": not catalogued").c_str());
      const std::string source = source_of_family(row);
      std::vector<const EventSpec*> matching;
      for (const EventSpec* spec : specs) {
        if (source.empty() || spec->source == source) matching.push_back(spec);
      }
      QVERIFY2(!matching.empty(),
               (where + ": catalogued with another source than " + source).c_str());
      if (!row.type.empty()) {
        QVERIFY2(std::any_of(matching.begin(), matching.end(),
                             [&](const EventSpec* spec) {
                               return fold(msmi::to_string(spec->type)) == fold(row.type);
                             }),
                 (where + ": no text of type " + row.type).c_str());
      }
      if (names_a_category(row.category)) {
        QVERIFY2(std::any_of(matching.begin(), matching.end(),
                             [&](const EventSpec* spec) {
                               return fold(msmi::to_string(spec->category)) == fold(row.category);
                             }),
                 (where + ": no text of category " + row.category).c_str());
      }
      ++checked;
    }
  }
  // Every row but the handful without an event ID ("(none)", "<Event ID>", "XXX").
  QVERIFY2(checked >= static_cast<int>(rows.size()) - 6, std::to_string(checked).c_str());
}

void TstEventCatalogue::quotedTextsRenderExactly_data() {
  QTest::addColumn<int>("id");
  QTest::addColumn<QString>("variant");
  QTest::addColumn<std::vector<std::string>>("inserts");
  QTest::addColumn<QString>("quoted");  // exactly as kb-events.tsv quotes it
  using V = std::vector<std::string>;
  QTest::newRow("2010") << 2010 << "" << V{"00000004", "00004950"}
                        << "Disk error encountered while inserting data into 00000004.MBG from "
                           "00004950.";
  QTest::newRow("2117 [030]")
      << 2117 << ""
      << V{"<network>/<PO>/<User ID>", "<Some Subject>", "030",
           "Message contains duplicated Email address", "<network>/<PO>/<User ID>"}
      << "Non delivery report generated. From: <network>/<PO>/<User ID> Subject: <Some Subject> "
         "[030] Message contains duplicated Email address. Mail item was not delivered to: "
         "<network>/<PO>/<User ID>";
  QTest::newRow("2117 [029]")
      << 2117 << ""
      << V{"Administrator", "TEST", "029", "This mail message could not be parsed correctly",
           "NETWORK/PO/TEST"}
      << "Non delivery report generated. From: Administrator Subject: TEST [029] This mail "
         "message could not be parsed correctly. Mail item was not delivered to: NETWORK/PO/TEST";
  QTest::newRow("2117 [004] route")
      << 2117 << "route"
      << V{"ANZAUDCU/MEL227TRK0/$SYSTEM",
           "SrvTx R=3 S=87298 (was 0), I=2 15603 sen",
           "004",
           "Message circular route detected",
           "ANZAUDCU /MEL227TRK ANZAUDCU /MEL227TRK K /",
           "ANZAUDCU/MEL227TRK/SYSTEM1"}
      << "Non delivery report generated. From: ANZAUDCU/MEL227TRK0/$SYSTEM Subject: SrvTx R=3 "
         "S=87298 (was 0), I=2 15603 sen [004] Message circular route detected. Message followed "
         "the following route: ANZAUDCU /MEL227TRK ANZAUDCU /MEL227TRK K / Attempted to send to "
         "the following addresses: ANZAUDCU/MEL227TRK/SYSTEM1";
  QTest::newRow("2335 established")
      << 2335 << "" << V{}
      << "MS Mail Connector Interchange has established an MTA session for downloading messages "
         "from the Exchange server.";
  QTest::newRow("2335 om_read") << 2335 << "om_read" << V{"0x15"}
                                << "MS Mail Connector Interchange has failed in om_read(). Return "
                                   "code is 0x15.";
  QTest::newRow("2342") << 2342 << "" << V{"0x15"}
                        << "MS Mail Connector Interchange failed to put into XOM stream. Return "
                           "code is 0x15.";
  QTest::newRow("2371") << 2371 << "" << V{"CA/TCAHQPO/00000C9D"}
                        << "Invalid recipient(s) found in CA/TCAHQPO/00000C9D. Generating "
                           "non-delivery report.";
  QTest::newRow("2375") << 2375 << "" << V{"SMTP:rlaporte@sierrahitek.com", "CA/TCAHQPO/00000C9D"}
                        << "MS Mail Connector Interchange has detected a configuration problem. "
                           "No mailbag on the MS Mail Connector Post Office was found for "
                           "recipient: SMTP:rlaporte@sierrahitek.com in the message with message "
                           "id CA/TCAHQPO/00000C9D.";
  QTest::newRow("2380") << 2380 << "" << V{"0x480df78", "0x4496c2"}
                        << "A memory access violation has occurred that prevents further "
                           "processing of a message. The access violation that occurred is an "
                           "attempt to read from 0x480df78. Please refer to the immediately "
                           "following event(s) logged by MS Mail Connector Interchange for more "
                           "information on the message that could not be processed. (Exception "
                           "address: 0x4496c2.)";
  QTest::newRow("2380 template quoted")
      << 2380 << "" << V{"0x1", "%2"}
      << "A memory access violation has occurred that prevents further processing of a message. "
         "The access violation that occurred is an attempt to read from 0x1. Please refer to the "
         "immediately following event(s) logged by MS Mail Connector Interchange for more "
         "information on the message that could not be processed. (Exception address: %2.)";
  QTest::newRow("2403") << 2403 << "" << V{"C=US;A= ;P=Microsoft;l=BISCUITHEAD-970304034713Z-3"}
                        << "Failure converting OLE v2 object to OLE v1, OLE Object Class not "
                           "registered in message C=US;A= ;P=Microsoft;l=BISCUITHEAD-"
                           "970304034713Z-3.";
  QTest::newRow("2410") << 2410 << "" << V{"0x105"}
                        << "MS Mail Connector Interchange has failed to establish a session with "
                           "the Directory services. The return code is 0x105.";
  QTest::newRow("2444") << 2444 << "" << V{"00000C9D"}
                        << "Message ID <00000C9D> processed from INQUEUE";
  QTest::newRow("2444 addressed")
      << 2444 << "addressed"
      << V{"xxxxxxxx", "[encapsulated X.400<listserv subscription alias>@<domain>]",
           "<network name>/<po name>/POSTMASTER"}
      << "Message ID <xxxxxxxx> processed from INQUEUE From: [encapsulated X.400<listserv "
         "subscription alias>@<domain>] To: <network name>/<po name>/POSTMASTER";
  QTest::newRow("2446") << 2446 << "" << V{"<message subject>", "<message sender>"}
                        << "MS Mail Connector Interchange has failed processing message from "
                           "Exchange. The message is left in the delivery queue. Use the MS "
                           "Exchange Administrator to view the details for this message or remove "
                           "it from the queue. This message entitled \"<message subject>\" is from "
                           "<message sender>. This error message will be logged again the next "
                           "time MS Connector is restarted if the message is not removed from the "
                           "queue.";
  QTest::newRow("2448")
      << 2448 << ""
      << V{"C=xx;A= ;P=xxxx;l=xxxx", "xxxxxxxx",
           "[encapsulated X.400<listserv subscription alias>@<domain>]",
           "<network name>/<po name>/POSTMASTER"}
      << "Message ID <C=xx;A= ;P=xxxx;l=xxxx> received from Exchange Message ID <xxxxxxxx> "
         "created in MS Mail From: [encapsulated X.400<listserv subscription alias>@<domain>] To: "
         "<network name>/<po name>/POSTMASTER";
  QTest::newRow("2450") << 2450 << "" << V{"<sender>"}
                        << "MS Mail Connector Interchange has failed processing message from "
                           "Exchange. The message is left in the delivery queue. Use the MS "
                           "Exchange Administrator to view the details for this message or remove "
                           "it from the queue. This message is from <sender>. This error message "
                           "will be logged again the next time MS Connector is restarted if the "
                           "message is not removed from the queue.";
  QTest::newRow("2590") << 2590 << "" << V{"0x5"}
                        << "The MSMail connector interchange wait on Exchange queue failed 0x5";
  QTest::newRow("2597") << 2597 << "" << V{"20301"}
                        << "A message arrived with some information in Codepage 20301. This "
                           "message will be passed along with some loss of information. To fix "
                           "this check that Codepage 20301 is installed properly.";
  QTest::newRow("10000 text") << 10000 << "text" << V{"MDBEF Parsing failed for unknown reason"}
                              << "MDBEF Parsing failed for unknown reason";
  QTest::newRow("10003") << 10003 << "" << V{"sfsems.cpp", "837", "Mailer thread failed."}
                         << "Fatal Assert: File sfsems.cpp line 837. Mailer thread failed.";
  QTest::newRow("10003 fatal error")
      << 10003 << "fatal_error" << V{"SFSEMS.CPP", "878", "Mailer Thread failed."}
      << "Fatal Error: File SFSEMS.CPP, line 878 Mailer Thread failed.";
  QTest::newRow("2302") << 2302 << "" << V{"2", "20"}
                        << "MS Mail Connector Interchange has failed to start the mailer "
                           "component. Return code from mailer is 0x2 and the return code Win32 "
                           "is 0x20.";
  QTest::newRow("2302 service error")
      << 2302 << "service_error" << V{"105"}
      << "The MS Mail Connector Interchange service terminated with service-specific error 105. "
         "Check that MSMI Service Account has access permission on the Microsoft Mail Connector "
         "postoffice share.";
  QTest::newRow("7000") << 7000 << ""
                        << V{"MS Mail connector Interchange",
                             "The service did not respond to the start or control request in a "
                             "timely fashion."}
                        << "The MS Mail connector Interchange service failed to start due to the "
                           "following error: The service did not respond to the start or control "
                           "request in a timely fashion.";
  QTest::newRow("7001") << 7001 << ""
                        << V{"Microsoft Exchange Event Service",
                             "Microsoft Exchange Information Store",
                             "The dependency service or group failed to start."}
                        << "The Microsoft Exchange Event Service service depends on the Microsoft "
                           "Exchange Information Store service which failed to start because of "
                           "the following error: The dependency service or group failed to start.";
  QTest::newRow("7009") << 7009 << "" << V{"120000"}
                        << "Timeout (120000 milliseconds) waiting for service to connect.";
  QTest::newRow("4188 PC MTA")
      << 4188 << ""
      << V{"NET/PO", "\\\\computername\\sharename", "NET1/PO1", "\\\\computername1\\sharename1",
           "22-28798"}
      << "The postoffice NET/PO on \\\\computername\\sharename and the postoffice NET1/PO1 on "
         "\\\\computername1\\sharename1 have the same postoffice serial number [22-28798]. Make "
         "sure you do not have two drives pointing to the same postoffice.";
  QTest::newRow("210 MTA")
      << 210 << ""
      << V{"C=FR;A=ATLAS; P=MSFRANCE;L=MICROSOFT-ILE-00000155",
           "258",
           "0600004F",
           "2A864886F7140501",
           "56010A00",
           "[2 MTA DISP:FANOUT 9] (14)"}
      << "An internal MTA error occurred. Content conversion for message C=FR;A=ATLAS; "
         "P=MSFRANCE;L=MICROSOFT-ILE-00000155 failed. Conversion error: 258, Object at fault: "
         "0600004F, Original content type: 2A864886F7140501, New content type: 56010A00. [2 MTA "
         "DISP:FANOUT 9] (14)";
  QTest::newRow("290 MTA")
      << 290 << ""
      << V{"transfer-failure",
           "Omit any diagnostic code",
           "C=US;A=XYZ;P=TEST;L=ID-00000075",
           "DN:/o=Org/ou=Site/cn=Recipients/cn=Exchange123",
           "1",
           "",
           "[MTA DISP:RESULT 14 136] (12)"}
      << "A non-delivery report (reason code transfer-failure and diagnostic code Omit any "
         "diagnostic code) is being generated for message C=US;A=XYZ;P=TEST;L=ID-00000075. It was "
         "originally destined for DN:/o=Org/ou=Site/cn=Recipients/cn=Exchange123 (recipient "
         "number 1), and was to be redirected to . [MTA DISP:RESULT 14 136] (12)";
  QTest::newRow("9405 MTA") << 9405 << ""
                            << V{"ExchHeapFree Failure.", "[BASE INCOMING RPC 193] (16)"}
                            << "An unexpected error has occurred which may cause the MTA to "
                               "terminate. Error: ExchHeapFree Failure. [BASE INCOMING RPC 193] "
                               "(16)";
  QTest::newRow("2025 IS") << 2025 << "" << V{"80004005"}
                           << "The delivery of a message failed due to error 80004005. A "
                              "non-delivery report is being sent to the message's originator.";
  QTest::newRow("3057 template quoted")
      << 3057 << "" << V{"%1", "%2", "%3", "%4", "%5"}
      << "Initialization failed. Error encoding global domain ID in directory. Error code %1. "
         "[%2 %3 %4 %5] (16)";
}

void TstEventCatalogue::quotedTextsRenderExactly() {
  QFETCH(int, id);
  QFETCH(QString, variant);
  QFETCH(std::vector<std::string>, inserts);
  QFETCH(QString, quoted);
  const std::string variant_key = variant.toStdString();
  const EventSpec* spec = msmisim::find_any_event_spec(id, variant_key);
  QVERIFY(spec != nullptr);
  QCOMPARE(QString::fromStdString(msmi::format_event_text(spec->text, inserts)), quoted);

  // The expected text is a quote, not an invention: it is in the archive under this ID.
  std::vector<QuotedEvent> rows;
  if (!read_tsv(&rows)) return;
  const bool in_archive = std::any_of(rows.begin(), rows.end(), [&](const QuotedEvent& row) {
    const std::vector<int> ids = ids_of(row.id_text);
    return std::find(ids.begin(), ids.end(), id) != ids.end() &&
           QString::fromStdString(row.description) == quoted;
  });
  QVERIFY2(in_archive, "the expected text is not quoted in kb-events.tsv under this ID");
}

void TstEventCatalogue::lookupFindsVariantsAndRefusesUnknown() {
  const EventSpec* main_text = msmi::find_event_spec(2335);
  const EventSpec* om_read = msmi::find_event_spec(2335, "om_read");
  QVERIFY(main_text != nullptr && om_read != nullptr && main_text != om_read);
  QCOMPARE(main_text->type, msmi::EventType::kInformation);
  QCOMPARE(om_read->type, msmi::EventType::kError);
  QVERIFY(msmi::find_event_spec(2335, "no such variant") == nullptr);
  QVERIFY(msmi::find_event_spec(2343) == nullptr);
  QVERIFY(msmi::find_event_spec(0) == nullptr);
  QVERIFY(msmi::find_event_spec(99999) == nullptr);
  // The engine does not know the world's events; the simulator's lookup knows both.
  QVERIFY(msmi::find_event_spec(4188) == nullptr);
  QCOMPARE(msmisim::find_any_event_spec(4188)->source, msmisim::kSourcePcMta);
  QCOMPARE(msmisim::find_any_event_spec(2342)->text, msmi::find_event_spec(2342)->text);
  QCOMPARE(msmisim::find_any_event_spec(9003)->text, std::string_view("Operator: %1"));
  QCOMPARE(msmisim::find_any_event_spec(7036)->category, msmi::Category::kNone);
}

void TstEventCatalogue::nearestEventIds_data() {
  QTest::addColumn<bool>("world");  // search the world's events too
  QTest::addColumn<int>("id");
  QTest::addColumn<int>("n");
  QTest::addColumn<std::vector<int>>("expected");
  using V = std::vector<int>;
  QTest::newRow("between two") << false << 2343 << 3 << V{2342, 2335, 2369};
  QTest::newRow("tie: lower first") << false << 2373 << 2 << V{2371, 2375};
  QTest::newRow("variants count once") << false << 2336 << 3 << V{2335, 2342, 2369};
  QTest::newRow("below all") << false << 1 << 2 << V{2010, 2113};
  QTest::newRow("above all") << false << 70000 << 2 << V{10003, 10000};
  QTest::newRow("none wanted") << false << 2343 << 0 << V{};
  QTest::newRow("engine only") << false << 3000 << 1 << V{2604};
  QTest::newRow("world too") << true << 3000 << 2 << V{3013, 3057};
  QTest::newRow("world: unknown 4242") << true << 4242 << 3 << V{4254, 4188, 4304};
}

void TstEventCatalogue::nearestEventIds() {
  QFETCH(bool, world);
  QFETCH(int, id);
  QFETCH(int, n);
  QFETCH(std::vector<int>, expected);
  const std::size_t count = static_cast<std::size_t>(n);
  QCOMPARE(world ? msmisim::nearest_any_event_ids(id, count) : msmi::nearest_event_ids(id, count),
           expected);
}

void TstEventCatalogue::loggerRecordsInsertionStrings() {
  FixedClock clock;
  RecordingSink sink;
  msmi::DiagnosticsLogging logging;
  logging.set_all(msmi::LoggingLevel::kMaximum);
  msmi::EventLogger logger(clock, sink, logging);
  QVERIFY(logger.log(2342, 5, "NET/PO/0000002A", {"0x15"}));
  QVERIFY(logger.log(*msmi::find_event_spec(2335, "om_read"), 6, "", {"0x15"}));
  QVERIFY(logger.log(*msmisim::find_any_event_spec(9003), -1, "", {"stop msmi"}));
  QCOMPARE(sink.events.size(), std::size_t{3});
  const msmi::Event& put = sink.events[0];
  QCOMPARE(put.description, std::string("MS Mail Connector Interchange failed to put into XOM "
                                        "stream. Return code is 0x15."));
  QCOMPARE(put.strings, std::vector<std::string>{"0x15"});
  QVERIFY(put.data.empty());
  QCOMPARE(put.time_us, std::int64_t{90'000'000});
  QCOMPARE(sink.events[1].event_id, 2335);
  QCOMPARE(sink.events[1].type, msmi::EventType::kError);
  QCOMPARE(sink.events[1].description,
           std::string("MS Mail Connector Interchange has failed in om_read(). Return code is "
                       "0x15."));
  QCOMPARE(sink.events[2].source, std::string(msmi::kSourceSimulator));
  QCOMPARE(sink.events[2].description, std::string("Operator: stop msmi"));
  QCOMPARE(sink.events[2].strings, std::vector<std::string>{"stop msmi"});
}

void TstEventCatalogue::scmEventsPassEveryLoggingLevel() {
  // The Service Control Manager writes its events whatever the MSMI's diagnostics logging says;
  // the MSMI's own events follow their category's level.
  FixedClock clock;
  RecordingSink sink;
  msmi::EventLogger logger(clock, sink, msmi::DiagnosticsLogging{});  // every level None
  QVERIFY(logger.log(7036, -1, "", {"MSExchangeMTA", "stopped"}));
  QVERIFY(logger.log(7034, -1, "", {"MS Mail Connector Interchange", "1"}));
  QVERIFY(logger.log(2553, 5, "", {}));         // level 0: always written
  QVERIFY(!logger.log(2342, 5, "", {"0x15"}));  // level 1: not at None
  QCOMPARE(sink.events.size(), std::size_t{3});
  QCOMPARE(sink.events[0].category, msmi::Category::kNone);
  QCOMPARE(std::string(msmi::to_string(sink.events[0].category)), std::string("None"));
  QCOMPARE(sink.events[1].description,
           std::string("The MS Mail Connector Interchange service terminated unexpectedly. It has "
                       "done this 1 time(s)."));
  QCOMPARE(logger.suppressed(), std::int64_t{1});

  // Asking first, as a caller whose inserts cost something to build does, gives the same
  // verdicts and counts a suppressed event once.
  QVERIFY(logger.will_write(7036) != nullptr);  // the SCM's
  QVERIFY(logger.will_write(2553) != nullptr);  // level 0
  QCOMPARE(logger.suppressed(), std::int64_t{1});
  QVERIFY(logger.will_write(2342) == nullptr);  // level 1 at None
  QCOMPARE(logger.suppressed(), std::int64_t{2});
  const msmi::EventSpec* written = logger.will_write(2553);
  QVERIFY(written != nullptr && written->id == 2553);
  QVERIFY(logger.log(*written, 5, "", {}));
  QCOMPARE(sink.events.size(), std::size_t{4});
  QCOMPARE(logger.suppressed(), std::int64_t{2});
  msmi::DiagnosticsLogging minimum;
  minimum.set_all(msmi::LoggingLevel::kMinimum);
  logger.set_logging(minimum);
  QVERIFY(logger.will_write(2342) != nullptr);
  QCOMPARE(logger.suppressed(), std::int64_t{2});
  msmi::Category parsed;
  QVERIFY(!msmi::parse_category("None", parsed));  // not a logging category of the MSMI
  QVERIFY(!msmi::parse_category("X.400 Service", parsed));
  QVERIFY(msmi::parse_category("session error", parsed));
}

QTEST_APPLESS_MAIN(TstEventCatalogue)
#include "tst_event_catalogue.moc"
