// Address parsing: the MS Mail, SMTP and X.400 forms the connector meets, at and just past
// their length limits, with the reason a user reads when an address is refused, and the
// canonical text (to_string) that must parse back to the same address.

#include <QtTest>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "msmi/address.h"

using msmi::Address;
using msmi::AddressParseResult;
using msmi::AddressType;
using msmi::parse_address;

Q_DECLARE_METATYPE(msmi::AddressType)

namespace {

std::string repeat(char c, std::size_t n) {
  return std::string(n, c);
}

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

// The parts of an address in one list, so that one table column can state what was parsed:
// MS: network, postoffice, mailbox; SMTP: local, domain; X400: "field=value" in written order.
QStringList parts_of(const Address& a) {
  switch (a.type) {
    case AddressType::kMsMail:
      return {q(a.network), q(a.postoffice), q(a.mailbox)};
    case AddressType::kSmtp:
      return {q(a.local), q(a.domain)};
    case AddressType::kX400: {
      QStringList out;
      for (const auto& [field, value] : a.x400_fields) out << q(field + "=" + value);
      return out;
    }
  }
  return {};
}

bool same_address(const Address& a, const Address& b) {
  return a.type == b.type && a.network == b.network && a.postoffice == b.postoffice &&
         a.mailbox == b.mailbox && a.local == b.local && a.domain == b.domain &&
         a.x400_fields == b.x400_fields;
}

// Exchange's X.400 field limits, written out independently of the engine's table.
struct X400Limit {
  const char* field;
  std::size_t limit;
};
constexpr std::array<X400Limit, 13> kX400Limits = {{
    {"c", 3},
    {"a", 16},
    {"p", 16},
    {"o", 64},
    {"ou1", 32},
    {"ou2", 32},
    {"ou3", 32},
    {"ou4", 32},
    {"s", 40},
    {"g", 16},
    {"i", 5},
    {"q", 3},
    {"cn", 64},
}};

// "X400:c=US;s=Smith;" with `field` set to `value` (replacing c or s, or added after them).
std::string x400_with(const std::string& field, const std::string& value) {
  std::string c = "US";
  std::string s = "Smith";
  std::string extra;
  if (field == "c") {
    c = value;
  } else if (field == "s") {
    s = value;
  } else {
    extra = field + "=" + value + ";";
  }
  return "X400:c=" + c + ";s=" + s + ";" + extra;
}

}  // namespace

class TstAddress : public QObject {
  Q_OBJECT

 private slots:
  void valid_addresses_parse_data();
  void valid_addresses_parse();
  void invalid_addresses_are_refused_with_reason_data();
  void invalid_addresses_are_refused_with_reason();
  void x400_field_limits_are_exact_data();
  void x400_field_limits_are_exact();
  void ms_mail_part_limits_are_exact_data();
  void ms_mail_part_limits_are_exact();
  void canonical_text_parses_back_to_same_address_data();
  void canonical_text_parses_back_to_same_address();
  void a_parser_remembers_what_parse_address_says_data();
  void a_parser_remembers_what_parse_address_says();
};

void TstAddress::valid_addresses_parse_data() {
  QTest::addColumn<QString>("input");
  QTest::addColumn<AddressType>("type");
  QTest::addColumn<QStringList>("parts");
  QTest::addColumn<QString>("canonical");

  QTest::newRow("ms minimal") << "MS:A/B/C" << AddressType::kMsMail << QStringList{"A", "B", "C"}
                              << "MS:A/B/C";
  QTest::newRow("ms all parts at 10 chars")
      << "MS:NETWORK_10/POSTOFFICE/MAILBOX_10" << AddressType::kMsMail
      << QStringList{"NETWORK_10", "POSTOFFICE", "MAILBOX_10"}
      << "MS:NETWORK_10/POSTOFFICE/MAILBOX_10";
  QTest::newRow("ms lower case folded to upper")
      << "ms:exnet/expo/bob" << AddressType::kMsMail << QStringList{"EXNET", "EXPO", "BOB"}
      << "MS:EXNET/EXPO/BOB";
  QTest::newRow("ms mixed case at 10 chars folded")
      << "Ms:NetworkTen/PostOffice/MailboxTen" << AddressType::kMsMail
      << QStringList{"NETWORKTEN", "POSTOFFICE", "MAILBOXTEN"}
      << "MS:NETWORKTEN/POSTOFFICE/MAILBOXTEN";
  QTest::newRow("ms allowed punctuation")
      << "MS:net-1/po.2/j.o'brien" << AddressType::kMsMail
      << QStringList{"NET-1", "PO.2", "J.O'BRIEN"} << "MS:NET-1/PO.2/J.O'BRIEN";
  QTest::newRow("ms punctuation set") << "MS:A_$#/B&!/C" << AddressType::kMsMail
                                      << QStringList{"A_$#", "B&!", "C"} << "MS:A_$#/B&!/C";

  QTest::newRow("smtp plain") << "SMTP:bob@example.com" << AddressType::kSmtp
                              << QStringList{"bob", "example.com"} << "SMTP:bob@example.com";
  QTest::newRow("smtp subdomains")
      << "SMTP:first.last@mail.eu.corp.example.com" << AddressType::kSmtp
      << QStringList{"first.last", "mail.eu.corp.example.com"}
      << "SMTP:first.last@mail.eu.corp.example.com";
  QTest::newRow("smtp prefix and domain case folded, local kept")
      << "smtp:Bob.Smith@Mail.Example.COM" << AddressType::kSmtp
      << QStringList{"Bob.Smith", "mail.example.com"} << "SMTP:Bob.Smith@mail.example.com";
  QTest::newRow("smtp single label domain")
      << "SMTP:postmaster@localhost" << AddressType::kSmtp << QStringList{"postmaster", "localhost"}
      << "SMTP:postmaster@localhost";
  QTest::newRow("smtp hyphen and digits in labels")
      << "SMTP:o'neil+tag@x-1.example2.org" << AddressType::kSmtp
      << QStringList{"o'neil+tag", "x-1.example2.org"} << "SMTP:o'neil+tag@x-1.example2.org";
  {
    const std::string local = repeat('l', 64);
    const std::string label = repeat('d', 63);
    QTest::newRow("smtp local part at 64, label at 63")
        << q("SMTP:" + local + "@" + label + ".com") << AddressType::kSmtp
        << QStringList{q(local), q(label + ".com")} << q("SMTP:" + local + "@" + label + ".com");
    // 63 + 1 + 63 + 1 + 63 + 1 + 63 = 255 characters: the longest domain allowed.
    const std::string domain = label + "." + label + "." + label + "." + label;
    QTest::newRow("smtp domain at 255") << q("SMTP:a@" + domain) << AddressType::kSmtp
                                        << QStringList{"a", q(domain)} << q("SMTP:a@" + domain);
  }

  QTest::newRow("x400 typical with blank admd")
      << "X400:c=US;a= ;p=ORG;o=SITE;s=Smith;g=Jo;" << AddressType::kX400
      << QStringList{"c=US", "a= ", "p=ORG", "o=SITE", "s=Smith", "g=Jo"}
      << "X400:c=US;a= ;p=ORG;o=SITE;s=Smith;g=Jo;";
  QTest::newRow("x400 only required fields, no final semicolon")
      << "X400:c=GB;s=Jones" << AddressType::kX400 << QStringList{"c=GB", "s=Jones"}
      << "X400:c=GB;s=Jones;";
  QTest::newRow("x400 field names folded, values kept, order kept")
      << "x400:S=Smith;C=us;G=jo" << AddressType::kX400 << QStringList{"s=Smith", "c=us", "g=jo"}
      << "X400:s=Smith;c=us;g=jo;";
  QTest::newRow("x400 empty items skipped")
      << "X400:c=US;;s=Smith;;" << AddressType::kX400 << QStringList{"c=US", "s=Smith"}
      << "X400:c=US;s=Smith;";
  {
    std::string text = "X400:";
    QStringList parts;
    for (const X400Limit& l : kX400Limits) {
      const std::string item = std::string(l.field) + "=" + repeat('V', l.limit);
      text += item + ";";
      parts << q(item);
    }
    QTest::newRow("x400 every field at its exact limit")
        << q(text) << AddressType::kX400 << parts << q(text);
  }
}

void TstAddress::valid_addresses_parse() {
  QFETCH(QString, input);
  QFETCH(AddressType, type);
  QFETCH(QStringList, parts);
  QFETCH(QString, canonical);

  const AddressParseResult result = parse_address(input.toStdString());
  QVERIFY2(result.ok, qPrintable("refused: " + q(result.reason)));
  QVERIFY(result.reason.empty());
  QCOMPARE(result.address.type, type);
  QCOMPARE(parts_of(result.address), parts);
  QCOMPARE(q(result.address.to_string()), canonical);
}

void TstAddress::invalid_addresses_are_refused_with_reason_data() {
  QTest::addColumn<QString>("input");
  QTest::addColumn<QString>("reason");

  QTest::newRow("empty") << ""
                         << "address is empty";
  QTest::newRow("no type prefix") << "bob@example.com"
                                  << "has no type prefix (MS:, SMTP: or X400:)";
  QTest::newRow("unknown type FAX") << "FAX:+1 555 0100"
                                    << "unknown address type 'FAX'";
  QTest::newRow("blank before colon") << "MS :NET/PO/BOB"
                                      << "unknown address type 'MS '";

  QTest::newRow("ms empty body") << "MS:"
                                 << "has no postoffice";
  QTest::newRow("ms one part") << "MS:NET"
                               << "has no postoffice";
  QTest::newRow("ms two parts") << "MS:NET/PO"
                                << "has no mailbox";
  QTest::newRow("ms four parts") << "MS:NET/PO/BOB/EXTRA"
                                 << "more than three parts";
  QTest::newRow("ms trailing slash") << "MS:NET/PO/BOB/"
                                     << "more than three parts";
  QTest::newRow("ms empty network") << "MS:/PO/BOB"
                                    << "MS: network is empty";
  QTest::newRow("ms empty postoffice") << "MS:NET//BOB"
                                       << "MS: postoffice is empty";
  QTest::newRow("ms empty mailbox") << "MS:NET/PO/"
                                    << "MS: mailbox is empty";
  QTest::newRow("ms network 11 chars")
      << "MS:NETWORK_11X/PO/BOB"
      << "MS: network 'NETWORK_11X' is 11 characters; MS Mail allows at most 10";
  QTest::newRow("ms postoffice 11 chars")
      << "MS:NET/POSTOFFICE1/BOB"
      << "MS: postoffice 'POSTOFFICE1' is 11 characters; MS Mail allows at most 10";
  QTest::newRow("ms mailbox 11 chars")
      << "MS:NET/PO/ABCDEFGHIJK"
      << "MS: mailbox 'ABCDEFGHIJK' is 11 characters; MS Mail allows at most 10";
  QTest::newRow("ms blank inside mailbox")
      << "MS:NET/PO/JO SMITH"
      << "MS: mailbox 'JO SMITH' contains a character MS Mail does not allow";
  QTest::newRow("ms leading blank")
      << "MS: NET/PO/BOB"
      << "MS: network ' NET' contains a character MS Mail does not allow";
  QTest::newRow("ms at sign in postoffice")
      << "MS:NET/P@O/BOB"
      << "MS: postoffice 'P@O' contains a character MS Mail does not allow";
  QTest::newRow("ms backslash in mailbox")
      << "MS:NET/PO/B\\OB"
      << "MS: mailbox 'B\\OB' contains a character MS Mail does not allow";

  QTest::newRow("smtp no at") << "SMTP:bob.example.com"
                              << "SMTP: address 'bob.example.com' has no '@'";
  QTest::newRow("smtp empty local") << "SMTP:@example.com"
                                    << "SMTP: local part before '@' is empty";
  QTest::newRow("smtp local 65 chars")
      << q("SMTP:" + repeat('x', 65) + "@example.com")
      << "SMTP: local part is 65 characters; at most 64 are allowed";
  QTest::newRow("smtp blank in local") << "SMTP:bob smith@example.com"
                                       << "contains a character SMTP does not allow";
  QTest::newRow("smtp two at signs") << "SMTP:bob@home@example.com"
                                     << "local part 'bob@home' contains a character";
  QTest::newRow("smtp empty domain") << "SMTP:bob@"
                                     << "SMTP: domain after '@' is empty";
  QTest::newRow("smtp label starts with hyphen")
      << "SMTP:bob@-example.com"
      << "domain label '-example' is not a valid host name label";
  QTest::newRow("smtp label ends with hyphen")
      << "SMTP:bob@example-.com"
      << "domain label 'example-' is not a valid host name label";
  QTest::newRow("smtp underscore in label")
      << "SMTP:bob@ex_ample.com"
      << "domain label 'ex_ample' is not a valid host name label";
  QTest::newRow("smtp empty label") << "SMTP:bob@example..com"
                                    << "domain 'example..com' has an empty label";
  QTest::newRow("smtp leading dot") << "SMTP:bob@.example.com"
                                    << "has an empty label";
  QTest::newRow("smtp trailing dot") << "SMTP:bob@example.com."
                                     << "has an empty label";
  QTest::newRow("smtp label 64 chars")
      << q("SMTP:bob@" + repeat('d', 64) + ".com") << "is longer than 63 characters";
  {
    const std::string label = repeat('d', 63);
    QTest::newRow("smtp domain 256 chars")
        << q("SMTP:a@" + label + "." + label + "." + label + "." + label + "x")
        << "SMTP: domain is longer than 255 characters";
  }

  QTest::newRow("x400 unknown field") << "X400:c=US;s=Smith;zz=1"
                                      << "X400: unknown field 'zz'";
  QTest::newRow("x400 duplicate field") << "X400:c=US;s=Smith;g=Jo;g=Al"
                                        << "X400: field 'g' appears twice";
  QTest::newRow("x400 duplicate field differing in case") << "X400:c=US;s=Smith;C=GB"
                                                          << "X400: field 'c' appears twice";
  QTest::newRow("x400 s of 41 chars")
      << q("X400:c=US;s=" + repeat('S', 41))
      << "X400: field 's' is 41 characters; Exchange allows at most 40";
  QTest::newRow("x400 missing c") << "X400:s=Smith;g=Jo"
                                  << "X400: required field 'c' is missing";
  QTest::newRow("x400 missing s") << "X400:c=US;o=SITE"
                                  << "X400: required field 's' is missing";
  QTest::newRow("x400 no fields") << "X400:"
                                  << "X400: required field 'c' is missing";
  QTest::newRow("x400 empty value") << "X400:c=US;s=Smith;g="
                                    << "X400: field 'g' is empty";
  QTest::newRow("x400 empty required value") << "X400:c=;s=Smith"
                                             << "X400: field 'c' is empty";
  QTest::newRow("x400 item without equals") << "X400:c=US;Smith"
                                            << "X400: 'Smith' is not field=value";
  QTest::newRow("x400 empty field name") << "X400:c=US;s=Smith;=x"
                                         << "X400: unknown field ''";
}

void TstAddress::invalid_addresses_are_refused_with_reason() {
  QFETCH(QString, input);
  QFETCH(QString, reason);

  const AddressParseResult result = parse_address(input.toStdString());
  QVERIFY2(!result.ok, qPrintable("accepted as " + q(result.address.to_string())));
  QVERIFY2(q(result.reason).contains(reason),
           qPrintable("reason '" + q(result.reason) + "' does not contain '" + reason + "'"));
}

void TstAddress::x400_field_limits_are_exact_data() {
  QTest::addColumn<QString>("field");
  QTest::addColumn<int>("length");
  QTest::addColumn<bool>("accepted");
  QTest::addColumn<QString>("reason");

  for (const X400Limit& l : kX400Limits) {
    const QString field = QString::fromLatin1(l.field);
    const int limit = static_cast<int>(l.limit);
    QTest::addRow("%s at %d", l.field, limit) << field << limit << true << QString();
    QTest::addRow("%s at %d", l.field, limit + 1)
        << field << limit + 1 << false
        << QStringLiteral("X400: field '%1' is %2 characters; Exchange allows at most %3")
               .arg(field)
               .arg(limit + 1)
               .arg(limit);
  }
}

void TstAddress::x400_field_limits_are_exact() {
  QFETCH(QString, field);
  QFETCH(int, length);
  QFETCH(bool, accepted);
  QFETCH(QString, reason);

  const std::string value = repeat('v', static_cast<std::size_t>(length));
  const AddressParseResult result = parse_address(x400_with(field.toStdString(), value));
  QCOMPARE(result.ok, accepted);
  if (accepted) {
    bool found = false;
    for (const auto& [name, v] : result.address.x400_fields) {
      if (q(name) == field) {
        QCOMPARE(q(v), q(value));
        found = true;
      }
    }
    QVERIFY(found);
  } else {
    QCOMPARE(q(result.reason), reason);
  }
}

void TstAddress::ms_mail_part_limits_are_exact_data() {
  QTest::addColumn<int>("part");  // 0 network, 1 postoffice, 2 mailbox
  QTest::addColumn<int>("length");
  QTest::addColumn<bool>("accepted");

  const char* names[] = {"network", "postoffice", "mailbox"};
  for (int part = 0; part < 3; ++part) {
    for (int length : {1, 9, 10, 11, 30}) {
      QTest::addRow("%s of %d", names[part], length) << part << length << (length <= 10);
    }
  }
}

void TstAddress::ms_mail_part_limits_are_exact() {
  QFETCH(int, part);
  QFETCH(int, length);
  QFETCH(bool, accepted);

  const char* names[] = {"network", "postoffice", "mailbox"};
  std::array<std::string, 3> parts = {"NET", "PO", "BOB"};
  parts[static_cast<std::size_t>(part)] = repeat('m', static_cast<std::size_t>(length));
  const AddressParseResult result =
      parse_address("MS:" + parts[0] + "/" + parts[1] + "/" + parts[2]);
  QCOMPARE(result.ok, accepted);
  if (accepted) {
    const std::string folded = repeat('M', static_cast<std::size_t>(length));
    const std::array<std::string, 3> got = {result.address.network, result.address.postoffice,
                                            result.address.mailbox};
    QCOMPARE(q(got[static_cast<std::size_t>(part)]), q(folded));
  } else {
    const QString expected =
        QStringLiteral("MS: %1 '%2' is %3 characters; MS Mail allows at most 10")
            .arg(QString::fromLatin1(names[part]))
            .arg(q(parts[static_cast<std::size_t>(part)]))
            .arg(length);
    QCOMPARE(q(result.reason), expected);
  }
}

void TstAddress::canonical_text_parses_back_to_same_address_data() {
  QTest::addColumn<QString>("input");

  QTest::newRow("ms upper") << "MS:NET/PO/BOB";
  QTest::newRow("ms lower") << "ms:exnet/expo/alice";
  QTest::newRow("ms at limits") << "MS:network10/postoffice/mailbox_10";
  QTest::newRow("ms punctuation") << "MS:net-1/po.2/j.o'brien";
  QTest::newRow("smtp plain") << "SMTP:bob@example.com";
  QTest::newRow("smtp mixed case") << "Smtp:Carol.King@Sub.Example.ORG";
  QTest::newRow("smtp limits") << q("SMTP:" + repeat('l', 64) + "@" + repeat('d', 63) + ".net");
  QTest::newRow("x400 typical") << "X400:c=US;a= ;p=ORG;o=SITE;s=Smith;g=Jo;";
  QTest::newRow("x400 upper field names") << "X400:C=DE;O=Firma;OU1=Vertrieb;S=Meyer;I=K";
  QTest::newRow("x400 with cn and q") << "x400:c=FR;s=Martin;g=Anne;q=III;cn=Anne Martin";
}

void TstAddress::canonical_text_parses_back_to_same_address() {
  QFETCH(QString, input);

  const AddressParseResult first = parse_address(input.toStdString());
  QVERIFY2(first.ok, qPrintable(q(first.reason)));
  const std::string canonical = first.address.to_string();
  const AddressParseResult second = parse_address(canonical);
  QVERIFY2(second.ok, qPrintable("canonical '" + q(canonical) + "' refused: " + q(second.reason)));
  QVERIFY2(same_address(first.address, second.address),
           qPrintable(q(canonical) + " parsed back as " + q(second.address.to_string())));
  QCOMPARE(q(second.address.to_string()), q(canonical));
}

void TstAddress::a_parser_remembers_what_parse_address_says_data() {
  QTest::addColumn<int>("distinct");  // how many different addresses are parsed, over and over

  QTest::newRow("one") << 1;
  QTest::newRow("a few") << 7;
  QTest::newRow("more than it keeps (4096)") << 5000;
}

void TstAddress::a_parser_remembers_what_parse_address_says() {
  QFETCH(int, distinct);

  // The engine parses each recipient through an AddressParser: whatever it remembers, every
  // answer must be parse_address's, valid or not, in any case, and after it started afresh.
  const std::vector<std::string> kinds = {"MS:MSNET/SALES/USER",        "ms:msnet/ops/user",
                                          "SMTP:user@example.com",      "X400:c=US;s=User;",
                                          "MS:MSNET/TOOLONGNAME1/USER", "FAX:123"};
  msmi::AddressParser parser;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < distinct; ++i) {
      std::string text = kinds[static_cast<std::size_t>(i) % kinds.size()];
      text.insert(text.find_first_of("/@;:") + 1, std::to_string(i / 6));
      const AddressParseResult expected = parse_address(text);
      const AddressParseResult& got = parser.parse(text);
      QVERIFY2(got.ok == expected.ok, qPrintable(q(text)));
      QCOMPARE(q(got.reason), q(expected.reason));
      QVERIFY2(same_address(got.address, expected.address), qPrintable(q(text)));
    }
  }
}

QTEST_APPLESS_MAIN(TstAddress)
#include "tst_address.moc"
