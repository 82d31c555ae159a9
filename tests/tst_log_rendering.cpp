// Event Viewer's rendering of descriptions for imported and exported logs: FormatMessage rules
// on our catalogue's templates, the variant chosen by the number of insertion strings, the text
// Event Viewer shows for an ID its message file lacks, and the NT type names and identifiers.

#include <QtTest>

#include <string>
#include <vector>

#include "msmilog/description_rendering.h"
#include "msmilog/log_record.h"
#include "msmisim/world_events.h"

using Strings = std::vector<std::string>;
Q_DECLARE_METATYPE(Strings)

class TestLogRendering : public QObject {
  Q_OBJECT

 private slots:
  void format_message_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<Strings>("strings");
    QTest::addColumn<QString>("expected");
    QTest::newRow("inserts") << "code %1 in %2" << Strings{"0x15", "om_read"}
                             << "code 0x15 in om_read";
    QTest::newRow("two-digit insert")
        << "%10|%1" << Strings{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} << "j|a";
    QTest::newRow("missing insert stays literal") << "value %3." << Strings{"x"} << "value %3.";
    QTest::newRow("line break") << "one%ntwo" << Strings{} << "one\r\ntwo";
    QTest::newRow("percent") << "100%% done" << Strings{} << "100% done";
    QTest::newRow("tab and space") << "a%tb%bc" << Strings{} << "a\tb c";
    QTest::newRow("%0 ends the message") << "kept%0 dropped" << Strings{} << "kept";
    QTest::newRow("printf format skipped") << "n=%1!d! end" << Strings{"7"} << "n=7 end";
    QTest::newRow("unknown escape kept") << "50%z" << Strings{} << "50%z";
    QTest::newRow("trailing percent") << "50%" << Strings{} << "50%";
  }
  void format_message() {
    QFETCH(QString, text);
    QFETCH(Strings, strings);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(msmilog::format_message(text.toStdString(), strings)),
             expected);
  }

  void render_known_and_unknown_ids() {
    const auto& catalogue = msmisim::any_event_catalogue();
    QCOMPARE(msmilog::render_description(catalogue, "MSExchangeMSMI", 2342, {"0x15"}),
             std::string("MS Mail Connector Interchange failed to put into XOM stream. Return "
                         "code is 0x15."));
    // Source names compare without case, as the registry's do.
    QCOMPARE(msmilog::render_description(catalogue, "msexchangemsmi", 2342, {"0x15"}),
             std::string("MS Mail Connector Interchange failed to put into XOM stream. Return "
                         "code is 0x15."));
    QCOMPARE(msmilog::render_description(catalogue, "MSExchangeMSMI", 2343, {"a", "b"}),
             std::string("The description for Event ID ( 2343 ) in Source ( MSExchangeMSMI ) "
                         "could not be found. It contains the following insertion string(s): "
                         "a, b."));
    // An ID of another source is not this source's.
    QVERIFY(msmilog::find_template(catalogue, "MSExchangeMTA", 2342, {"0x15"}) == nullptr);
  }

  void variant_follows_the_number_of_strings() {
    const auto& catalogue = msmisim::any_event_catalogue();
    // 2335 has a main text without inserts and the om_read() failure with one.
    const auto* none = msmilog::find_template(catalogue, "MSExchangeMSMI", 2335, {});
    const auto* one = msmilog::find_template(catalogue, "MSExchangeMSMI", 2335, {"0x15"});
    QVERIFY(none != nullptr && one != nullptr);
    QCOMPARE(std::string(none->variant), std::string());
    QCOMPARE(std::string(one->variant), std::string("om_read"));
  }

  void event_types_and_identifiers() {
    msmilog::NtEventType type{};
    QVERIFY(msmilog::parse_nt_event_type("failure audit", &type));
    QCOMPARE(type, msmilog::NtEventType::kAuditFailure);
    QVERIFY(msmilog::parse_nt_event_type("ERROR", &type));
    QCOMPARE(type, msmilog::NtEventType::kError);
    QVERIFY(!msmilog::parse_nt_event_type("Critical", &type));
    QCOMPARE(msmilog::make_event_identifier(2342, msmilog::NtEventType::kError), 0xC0000926u);
    QCOMPARE(msmilog::make_event_identifier(7036, msmilog::NtEventType::kInformation), 0x40001B7Cu);
    QCOMPARE(msmilog::make_event_identifier(2117, msmilog::NtEventType::kWarning), 0x80000845u);
    msmilog::LogRecord record;
    record.event_identifier = 0xC0000926u;
    QCOMPARE(record.displayed_id(), 2342);
  }
};

QTEST_APPLESS_MAIN(TestLogRendering)
#include "tst_log_rendering.moc"
