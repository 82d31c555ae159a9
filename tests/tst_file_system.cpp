// The two shadow postoffices: the real folder (DiskFileSystem) and the simulated disk in memory
// (MemoryFileSystem). The simulated one must answer every call as the real one does, list in
// the same order, lose exactly the unsynced data in a power loss, and a scenario run on it must
// give the same events as on the real disk.
#include <sys/stat.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "msmi/crc32.h"
#include "msmi/file_system.h"
#include "msmi/mailbag.h"
#include "msmi/message_file_cache.h"
#include "msmi/message_files.h"
#include "msmi/random.h"
#include "msmi/status.h"
#include "msmi/string_hash.h"
#include "msmisim/disk_file_system.h"
#include "msmisim/fault_injector.h"
#include "msmisim/faulty_file_system.h"
#include "msmisim/memory_file_system.h"
#include "msmisim/scheduler.h"
#include "no_fault_effects.h"
#include "test_support.h"

using msmi::Status;
using msmisim::DiskFileSystem;
using msmisim::MemoryFileSystem;

namespace {

std::string code_name(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return "ok";
    case Status::Code::kNotFound:
      return "not-found";
    case Status::Code::kCorruption:
      return "corruption";
    case Status::Code::kIoError:
      return "io-error";
    case Status::Code::kInvalidArgument:
      return "invalid";
    case Status::Code::kBusy:
      return "busy";
    case Status::Code::kFull:
      return "full";
  }
  return "?";
}

// Contents as the steps write them: any byte outside printable ASCII, and '%', as %XX.
std::string printable(const std::string& bytes) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7F && c != '%') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

std::string decode(const QString& text) {
  return QByteArray::fromPercentEncoding(text.toUtf8()).toStdString();
}

// What the "keep" steps of one trace hold, by path.
struct Held {
  std::uint64_t version = 0;
  std::string contents;
};
std::map<std::string, Held>& held_copies() {
  static std::map<std::string, Held> held;
  return held;
}

// Runs one step, "op [arg [arg]]" ("%00" and the like stand for any byte in contents), and says
// what came back: "ok", "not-found 'contents'" for read, "ok [a,b]" for ls, "true" for exists.
// "crash" cuts the power of a MemoryFileSystem; `memory` is null for the disk.
std::string step(msmi::FileSystem& fs, MemoryFileSystem* memory, const QString& line) {
  const QStringList parts = line.split(' ');
  const QString op = parts.value(0);
  const std::string a = decode(parts.value(1));
  const std::string b = decode(parts.value(2));
  if (op == "read") {
    std::string contents;
    const Status s = fs.read_file(a, &contents);
    return s.ok() ? "ok '" + printable(contents) + "'" : code_name(s);
  }
  if (op == "write") return code_name(fs.write_file(a, b));
  if (op == "patch") {  // patch PATH OFFSET DATA
    return code_name(fs.write_file_at(a, std::stoull(b), decode(parts.value(3))));
  }
  if (op == "keep") {
    // A reader that keeps its copy of the file (a mailbag's MBG) and brings it up to date.
    Held& h = held_copies()[a];
    msmi::FileSystem::Refresh how = msmi::FileSystem::Refresh::kReplaced;
    const Status s = fs.refresh_file(a, &h.version, &h.contents, &how);
    if (!s.ok()) {
      h = Held{};
      return code_name(s);
    }
    const char* said = how == msmi::FileSystem::Refresh::kUnchanged  ? "unchanged"
                       : how == msmi::FileSystem::Refresh::kAppended ? "appended"
                                                                     : "replaced";
    return std::string(said) + " '" + printable(h.contents) + "'";
  }
  if (op == "append") return code_name(fs.append_file(a, b));
  if (op == "sync") return code_name(fs.sync_file(a));
  if (op == "rm") return code_name(fs.remove_file(a));
  if (op == "mv") return code_name(fs.rename_file(a, b));
  if (op == "mkdir") return code_name(fs.make_dirs(a));
  if (op == "exists") return fs.exists(a) ? "true" : "false";
  if (op == "lock") return code_name(fs.lock_file(a));
  if (op == "unlock") {
    fs.unlock_file(a);
    return "ok";
  }
  if (op == "ls") {
    std::vector<std::string> names = {"stale"};
    const Status s = fs.list_dir(a, &names);
    std::string listed;
    for (const std::string& name : names) listed += (listed.empty() ? "" : ",") + name;
    return code_name(s) + " [" + listed + "]";
  }
  if (op == "crash" && memory != nullptr) {
    memory->crash();
    return "crashed";
  }
  qFatal("unknown step '%s'", qPrintable(line));
}

QStringList trace(msmi::FileSystem& fs, MemoryFileSystem* memory, const QStringList& steps) {
  held_copies().clear();  // a new file system: nothing is held yet
  QStringList out;
  for (const QString& line : steps)
    out << line + " -> " + QString::fromStdString(step(fs, memory, line));
  return out;
}

QString last_result(const QStringList& traced) {
  return traced.isEmpty() ? QString() : traced.last().section(" -> ", 1);
}

// Acknowledges calls until `budget` of the changing ones have gone through; then the machine
// loses power (MemoryFileSystem::crash) and every further call fails, as on a dead machine.
class PowerCut final : public msmi::FileSystemWrapper {
 public:
  PowerCut(MemoryFileSystem& memory, int budget)
      : FileSystemWrapper(memory), memory_(memory), budget_(budget) {}
  bool cut() const { return cut_; }

  Status read_file(const std::string& path, std::string* contents) override {
    if (cut_) return Status::IoError("power is off");
    return FileSystemWrapper::read_file(path, contents);
  }
  Status write_file(const std::string& path, std::string_view contents) override {
    if (!spend()) return Status::IoError("power is off");
    return FileSystemWrapper::write_file(path, contents);
  }
  Status append_file(const std::string& path, std::string_view data) override {
    if (!spend()) return Status::IoError("power is off");
    return FileSystemWrapper::append_file(path, data);
  }
  Status sync_file(const std::string& path) override {
    if (!spend()) return Status::IoError("power is off");
    return FileSystemWrapper::sync_file(path);
  }
  Status remove_file(const std::string& path) override {
    if (!spend()) return Status::IoError("power is off");
    return FileSystemWrapper::remove_file(path);
  }
  Status rename_file(const std::string& from, const std::string& to) override {
    if (!spend()) return Status::IoError("power is off");
    return FileSystemWrapper::rename_file(from, to);
  }

 private:
  bool spend() {
    if (cut_) return false;
    if (budget_-- > 0) return true;
    memory_.crash();
    cut_ = true;
    return false;
  }
  MemoryFileSystem& memory_;
  int budget_;
  bool cut_ = false;
};

// Passes every call through, versions included, and counts the reads that copied a file because
// the caller's copy was not current. Shares its target's readings when `share`, else keeps its
// own.
class CountingReads final : public msmi::FileSystemWrapper {
 public:
  CountingReads(msmi::FileSystem& target, bool share) : FileSystemWrapper(target), share_(share) {}
  int copies = 0;

  std::uint64_t version_of(const std::string& path) override { return target().version_of(path); }
  Status read_file_if_changed(const std::string& path, std::uint64_t* version,
                              std::string* contents, bool* changed) override {
    const Status s = target().read_file_if_changed(path, version, contents, changed);
    copies += s.ok() && *changed;
    return s;
  }
  Status refresh_file(const std::string& path, std::uint64_t* version, std::string* contents,
                      Refresh* how) override {
    const Status s = target().refresh_file(path, version, contents, how);
    copies += s.ok() && *how == Refresh::kReplaced;
    return s;
  }
  Status write_file_at(const std::string& path, std::uint64_t offset,
                       std::string_view data) override {
    return target().write_file_at(path, offset, data);
  }
  std::shared_ptr<void>& shared_reading(const std::string& key) override {
    return share_ ? target().shared_reading(key) : FileSystemWrapper::shared_reading(key);
  }

 private:
  bool share_;
};

}  // namespace

class TestFileSystem : public QObject {
  Q_OBJECT

 private slots:
  void memory_answers_as_the_disk_does_data();
  void memory_answers_as_the_disk_does();
  void crash_keeps_only_synced_bytes_data();
  void crash_keeps_only_synced_bytes();
  void listing_is_sorted_byte_wise();
  void keys_spread_over_the_low_bits_of_their_hash_data();
  void keys_spread_over_the_low_bits_of_their_hash();
  void a_removed_file_lends_its_place_to_a_new_one();
  void a_spare_closed_in_use_keeps_no_second_name();
  void a_file_reads_the_same_past_the_bytes_kept_in_memory();
  void another_process_holding_a_mailbag_makes_it_busy();
  void each_disk_point_is_asked_at_its_own_calls_data();
  void each_disk_point_is_asked_at_its_own_calls();
  void a_status_keeps_its_code_and_message_when_copied();
  void a_kind_rule_strikes_only_files_of_its_kind_data();
  void a_kind_rule_strikes_only_files_of_its_kind();
  void message_file_cache_reads_what_the_file_holds_now_data();
  void message_file_cache_reads_what_the_file_holds_now();
  void mailbag_keeps_every_acknowledged_record_through_a_power_loss();
  void mailbag_reader_sees_every_change_the_other_side_makes();
  void mailbags_of_one_name_share_one_reading();
  void a_key_edited_where_it_changed_is_the_key_encoded_whole();
  void a_key_another_writer_left_is_encoded_whole();
  void kb_scenarios_run_the_same_in_memory_and_on_disk_data();
  void kb_scenarios_run_the_same_in_memory_and_on_disk();
};

void TestFileSystem::memory_answers_as_the_disk_does_data() {
  QTest::addColumn<QStringList>("steps");
  QTest::addColumn<QString>("last");  // what the last step gives on both
  const auto row = [](const char* name, const QStringList& steps, const char* last) {
    QTest::newRow(name) << steps << QString(last);
  };
  row("read a missing file", {"read A.P1"}, "not-found");
  row("read in a missing folder", {"read P1/A.P1"}, "not-found");
  row("read a folder", {"mkdir P1", "read P1"}, "not-found");
  row("read the root", {"read ''"}, "not-found");
  row("read through a file", {"write F x", "read F/A"}, "not-found");
  row("write then read", {"mkdir P1", "write P1/A hello", "read P1/A"}, "ok 'hello'");
  row("write binary bytes", {"write A a%00b%FF%25", "read A"}, "ok 'a%00b%FF%25'");
  row("write replaces", {"write A long", "write A s", "read A"}, "ok 's'");
  row("write an empty file", {"write A", "read A"}, "ok ''");
  row("write into a missing folder", {"write P1/A x"}, "io-error");
  row("write over a folder", {"mkdir P1", "write P1 x"}, "io-error");
  row("write through a file", {"write F x", "write F/A x"}, "io-error");
  // The memory disk remembers the folders it found a file could be made in, until folders
  // change.
  row("write into a folder removed since",
      {"mkdir P1", "write P1/A x", "rm P1/A", "rm P1", "write P1/B x"}, "io-error");
  row("write into a folder renamed since",
      {"mkdir MAI/MA0", "write MAI/MA0/A x", "mv MAI X", "write MAI/MA0/B x"}, "io-error");
  row("write into a folder made again",
      {"mkdir P1", "write P1/A x", "rm P1/A", "rm P1", "mkdir P1", "write P1/B y", "read P1/B"},
      "ok 'y'");
  row("append creates", {"append A x", "read A"}, "ok 'x'");
  row("append appends", {"write A x", "append A yz", "read A"}, "ok 'xyz'");
  row("append into a missing folder", {"append KEY/A x"}, "io-error");
  row("append to a folder", {"mkdir KEY", "append KEY x"}, "io-error");
  row("sync a file", {"write A x", "sync A"}, "ok");
  row("sync a missing file", {"sync A"}, "not-found");
  row("sync in a missing folder", {"sync P1/A"}, "not-found");
  row("sync a folder", {"mkdir P1", "sync P1"}, "not-found");
  row("remove a file", {"write A x", "rm A", "exists A"}, "false");
  row("remove a missing file", {"rm A"}, "not-found");
  row("remove in a missing folder", {"rm P1/A"}, "not-found");
  row("remove through a file", {"write F x", "rm F/A"}, "io-error");
  row("remove an empty folder", {"mkdir P1", "rm P1", "exists P1"}, "false");
  row("remove a folder with a file", {"mkdir P1", "write P1/A x", "rm P1"}, "io-error");
  row("remove a folder with a folder", {"mkdir MAI/MA0", "rm MAI"}, "io-error");
  row("rename a file", {"write A x", "mv A B", "read B"}, "ok 'x'");
  row("rename leaves no source", {"write A x", "mv A B", "read A"}, "not-found");
  row("rename replaces the target", {"write A new", "write B old", "mv A B", "read B"}, "ok 'new'");
  row("rename onto itself", {"write A x", "mv A A", "read A"}, "ok 'x'");
  row("rename into another folder", {"mkdir BAD", "write A x", "mv A BAD/A.1", "read BAD/A.1"},
      "ok 'x'");
  row("rename a missing file", {"mv A B"}, "io-error");
  row("rename into a missing folder", {"write A x", "mv A BAD/A"}, "io-error");
  row("rename into a missing folder keeps the file", {"write A x", "mv A BAD/A", "read A"},
      "ok 'x'");
  row("rename a file onto a folder", {"mkdir D", "write A x", "mv A D"}, "io-error");
  row("rename a folder", {"mkdir D/E", "write D/E/A x", "mv D N", "read N/E/A"}, "ok 'x'");
  row("rename a folder, old name gone", {"mkdir D/E", "mv D N", "exists D/E"}, "false");
  row("rename a folder onto an empty folder",
      {"mkdir D", "mkdir N", "write D/A x", "mv D N", "ls N"}, "ok [A]");
  row("rename a folder onto a full folder", {"mkdir D", "mkdir N", "write N/A x", "mv D N"},
      "io-error");
  row("rename a folder onto a file", {"mkdir D", "write F x", "mv D F"}, "io-error");
  row("rename a folder into itself", {"mkdir D", "mv D D/E"}, "io-error");
  row("list a missing folder", {"ls P1"}, "not-found []");
  row("list a file", {"write A x", "ls A"}, "not-found []");
  row("list an empty folder", {"mkdir P1", "ls P1"}, "ok []");
  row("list files only, not below",
      {"mkdir P1/SUB", "write P1/SUB/X x", "write P1/B x", "write P1/A x", "ls P1"}, "ok [A,B]");
  row("list the root", {"mkdir P1", "write Z x", "write A x", "ls ''"}, "ok [A,Z]");
  row("list a name that is a prefix",
      {"mkdir P1", "mkdir P10", "write P10/A x", "write P1/B x", "ls P1"}, "ok [B]");
  row("make nested folders", {"mkdir MAI/MA0", "exists MAI"}, "true");
  row("make an existing folder", {"mkdir P1", "mkdir P1"}, "ok");
  row("make the root", {"mkdir ''"}, "ok");
  row("make a folder over a file", {"write F x", "mkdir F"}, "io-error");
  row("make a folder through a file", {"write F x", "mkdir F/G/H"}, "io-error");
  row("a file exists", {"write A x", "exists A"}, "true");
  row("a folder exists", {"mkdir P1", "exists P1"}, "true");
  row("the root exists", {"exists ''"}, "true");
  row("a missing file does not exist", {"exists A"}, "false");
  row("nothing exists through a file", {"write F x", "exists F/A"}, "false");
  row("lock a file", {"write A x", "lock A"}, "ok");
  row("lock a file not yet written", {"mkdir KEY", "lock KEY/A.KEY"}, "ok");
  row("lock a file twice", {"lock A", "lock A"}, "busy");
  row("lock again after unlocking", {"lock A", "unlock A", "lock A"}, "ok");
  row("lock two files", {"lock A", "lock B"}, "ok");
  row("the holder of a lock still writes", {"lock A", "write A x", "read A"}, "ok 'x'");
  row("patch in place", {"write A hello", "patch A 1 EY", "read A"}, "ok 'hEYlo'");
  row("patch past the end grows", {"write A ab", "patch A 1 xyz", "read A"}, "ok 'axyz'");
  row("patch at the end appends", {"write A ab", "patch A 2 c", "read A"}, "ok 'abc'");
  row("patch beyond the end", {"write A ab", "patch A 3 x"}, "invalid");
  row("patch a missing file", {"patch A 0 x", "exists A"}, "false");
  row("keep a file", {"write A x", "keep A"}, "replaced 'x'");
  row("keep an unchanged file", {"write A x", "keep A", "keep A"}, "unchanged 'x'");
  row("keep a grown file", {"write A x", "keep A", "append A yz", "keep A"}, "appended 'xyz'");
  row("keep a file grown twice", {"write A x", "keep A", "append A y", "append A z", "keep A"},
      "appended 'xyz'");
  row("keep a rewritten file", {"write A xy", "keep A", "write A xyz", "keep A"}, "replaced 'xyz'");
  row("keep a patched file", {"write A xy", "keep A", "patch A 0 z", "keep A"}, "replaced 'zy'");
  row("keep a file renamed over", {"write A x", "keep A", "write B xy", "mv B A", "keep A"},
      "replaced 'xy'");
  row("keep a file removed and made again",
      {"write A x", "keep A", "rm A", "append A xyz", "keep A"}, "replaced 'xyz'");
  row("keep a removed file", {"write A x", "keep A", "rm A", "keep A"}, "not-found");
  // The disk reuses a removed file for the next one made (DiskFileSystem's spares).
  row("a new file in a removed one's place",
      {"mkdir P1", "write P1/A longer", "rm P1/A", "write P1/B s", "read P1/B"}, "ok 's'");
  row("a removed file is listed no more",
      {"mkdir P1", "write P1/A x", "write P1/B y", "rm P1/A", "ls P1"}, "ok [B]");
  row("the root lists no spares", {"write A x", "rm A", "ls ''"}, "ok []");
  row("a removed file has gone", {"write A x", "rm A", "read A"}, "not-found");
  row("a removed file syncs no more", {"write A x", "rm A", "sync A"}, "not-found");
  row("a file made by appending after a removal",
      {"write A longer", "rm A", "append B xy", "read B"}, "ok 'xy'");
  row("a file in a removed one's place, patched",
      {"write A hello", "rm A", "write B ab", "patch B 2 c", "read B"}, "ok 'abc'");
  row("a file in a removed one's place, patched past its end",
      {"write A hello", "rm A", "write B ab", "patch B 3 x"}, "invalid");
  row("a file in a removed one's place, kept", {"write A longer", "rm A", "write B s", "keep B"},
      "replaced 's'");
  row("a file in a removed one's place, grown",
      {"write A longer", "rm A", "write B s", "keep B", "append B t", "keep B"}, "appended 'st'");
  row("a removed file's place offered in a missing folder", {"write A x", "rm A", "write P1/B y"},
      "io-error");
  row("a removed file's place taken after that",
      {"write A x", "rm A", "write P1/B y", "mkdir P1", "write P1/B z", "read P1/B"}, "ok 'z'");
  row("two removed files' places",
      {"mkdir P1", "write P1/A 1111", "write P1/B 22", "rm P1/A", "rm P1/B", "write P1/C 3",
       "write P1/D 44444", "read P1/C"},
      "ok '3'");
  row("a removed file renamed onto", {"write A x", "rm A", "write B y", "mv B C", "read C"},
      "ok 'y'");
  row("a file in a removed one's place, renamed and removed",
      {"write A x", "rm A", "write B y", "mv B C", "rm C", "write D zz", "read D"}, "ok 'zz'");
  row("a file in a removed one's place, renamed over",
      {"write A 1", "rm A", "write B 2", "write C 3", "mv C B", "rm B", "write D 4", "read D"},
      "ok '4'");
}

void TestFileSystem::memory_answers_as_the_disk_does() {
  QFETCH(QStringList, steps);
  QFETCH(QString, last);
  for (QString& line : steps) line.replace("''", "");  // '' stands for the root folder
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  DiskFileSystem disk(dir.path().toStdString() + "/fsync", DiskFileSystem::Sync::kFsync);
  QVERIFY(QDir(dir.path()).mkdir("fsync"));
  MemoryFileSystem memory;
  const QStringList on_disk = trace(disk, nullptr, steps);
  const QStringList in_memory = trace(memory, &memory, steps);
  QCOMPARE(in_memory, on_disk);
  QCOMPARE(last_result(on_disk), last);
  // Without fsync a sync still answers as one would.
  DiskFileSystem unsynced(dir.path().toStdString() + "/none", DiskFileSystem::Sync::kNone);
  QVERIFY(QDir(dir.path()).mkdir("none"));
  QCOMPARE(trace(unsynced, nullptr, steps), on_disk);
}

void TestFileSystem::a_file_reads_the_same_past_the_bytes_kept_in_memory() {
  // The disk keeps the bytes of files up to 16 KB it wrote; past that, reads go to the file.
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  DiskFileSystem disk(dir.path().toStdString(), DiskFileSystem::Sync::kNone);
  MemoryFileSystem memory;
  std::string expected(16 * 1024 - 10, 'a');
  for (msmi::FileSystem* fs :
       {static_cast<msmi::FileSystem*>(&disk), static_cast<msmi::FileSystem*>(&memory)}) {
    QVERIFY(fs->write_file("MBG", expected).ok());
    QVERIFY(fs->append_file("MBG", std::string(20, 'b')).ok());    // grows past 16 KB
    QVERIFY(fs->write_file_at("MBG", 100, "patched").ok());        // patched while past it
    QVERIFY(fs->write_file_at("MBG", 16 * 1024 + 5, "end").ok());  // and at its end
    QVERIFY(fs->append_file("KEY", "k").ok());                     // made by appending
    QVERIFY(fs->append_file("KEY", "ey").ok());
  }
  expected += std::string(20, 'b');
  expected.replace(100, 7, "patched");
  expected.replace(16 * 1024 + 5, 3, "end");
  for (msmi::FileSystem* fs :
       {static_cast<msmi::FileSystem*>(&disk), static_cast<msmi::FileSystem*>(&memory)}) {
    std::string read;
    QVERIFY(fs->read_file("MBG", &read).ok());
    QVERIFY(read == expected);
    QVERIFY(fs->read_file("KEY", &read).ok());
    QCOMPARE(read, std::string("key"));
  }
  // Written whole and small again, its bytes are kept again and read as written.
  QVERIFY(disk.write_file("MBG", "small").ok());
  std::string read;
  QVERIFY(disk.read_file("MBG", &read).ok());
  QCOMPARE(read, std::string("small"));
  QFile on_host(dir.path() + "/MBG");
  QVERIFY(on_host.open(QIODevice::ReadOnly));
  QCOMPARE(on_host.readAll(), QByteArray("small"));
}

void TestFileSystem::a_spare_closed_in_use_keeps_no_second_name() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const QString spares = dir.path() + "/" + DiskFileSystem::kSpareFolder;
  const auto slot_names = [&] { return QDir(spares).entryList(QDir::Files | QDir::Hidden).size(); };
  std::string read;
  {
    // Four descriptors of files in use at most, then all are closed.
    DiskFileSystem disk(dir.path().toStdString(), DiskFileSystem::Sync::kNone, 4);
    for (const char* name : {"A", "B"}) QVERIFY(disk.write_file(name, "old").ok());
    for (const char* name : {"A", "B"}) QVERIFY(disk.remove_file(name).ok());
    QCOMPARE(slot_names(), 2);
    // M and N are the spares under new names; the writes of W1-W3 close them.
    QVERIFY(disk.write_file("M", "message M").ok());
    QVERIFY(disk.write_file("N", "message N").ok());
    for (const char* name : {"W1", "W2", "W3"}) QVERIFY(disk.write_file(name, "w").ok());
    QCOMPARE(slot_names(), 0);  // closed, they keep only their own names
    // Removed now, they leave nothing behind.
    for (const char* name : {"M", "N"}) QVERIFY(disk.remove_file(name).ok());
    QCOMPARE(slot_names(), 0);
    QVERIFY(!disk.exists("M"));
    // A freed slot serves the next spare, and the spare the next new file.
    QVERIFY(disk.remove_file("W3").ok());
    QCOMPARE(slot_names(), 1);
    QVERIFY(disk.write_file("X", "x").ok());
    QVERIFY(disk.read_file("X", &read).ok());
    QCOMPARE(read, std::string("x"));
  }
  QVERIFY(!QFileInfo::exists(spares));
  QCOMPARE(
      QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::AllDirs | QDir::NoDotAndDotDot),
      (QStringList{"W1", "W2", "X"}));
}

void TestFileSystem::a_removed_file_lends_its_place_to_a_new_one() {
  QTemporaryDir dir;
  QVERIFY(dir.isValid());
  const std::string root = dir.path().toStdString();
  const auto inode = [&](const std::string& path) {
    struct stat info {};
    return ::stat((root + "/" + path).c_str(), &info) == 0 ? info.st_ino : ino_t{0};
  };
  const auto on_host = [&](const std::string& path) {
    QFile file(QString::fromStdString(root + "/" + path));
    return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string("(none)");
  };
  // Made by another program (or an earlier run): not opened by the disk below yet.
  QVERIFY(QDir(dir.path()).mkdir("P1"));
  {
    QFile other(dir.path() + "/P1/OTHER");
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("another's");
  }
  {
    DiskFileSystem disk(root, DiskFileSystem::Sync::kNone);
    QVERIFY(disk.write_file("P1/A", "a long first file").ok());
    const ino_t first = inode("P1/A");
    QVERIFY(first != 0);
    QVERIFY(disk.remove_file("P1/A").ok());
    QCOMPARE(inode("P1/A"), ino_t{0});
    // Writing over a file that exists leaves the spare alone and the file whole.
    QVERIFY(disk.write_file("P1/OTHER", "mine").ok());
    QCOMPARE(on_host("P1/OTHER"), std::string("mine"));
    // The next new file is the removed one, renamed and cut to its new contents.
    QVERIFY(disk.write_file("P1/B", "short").ok());
    QCOMPARE(inode("P1/B"), first);
    QCOMPARE(on_host("P1/B"), std::string("short"));
    std::string read;
    QVERIFY(disk.read_file("P1/B", &read).ok());
    QCOMPARE(read, std::string("short"));
    // A spare waits while the disk is in use, in its hidden folder …
    QVERIFY(disk.remove_file("P1/B").ok());
    QVERIFY(QFileInfo(QString::fromStdString(root + "/" + DiskFileSystem::kSpareFolder)).isDir());
  }
  // … which is gone with the disk, leaving exactly the files written.
  QVERIFY(!QFileInfo::exists(QString::fromStdString(root + "/" + DiskFileSystem::kSpareFolder)));
  QCOMPARE(QDir(dir.path() + "/P1")
               .entryList(QDir::Files | QDir::Hidden | QDir::AllDirs | QDir::NoDotAndDotDot),
           QStringList{"OTHER"});
  QCOMPARE(on_host("P1/OTHER"), std::string("mine"));
}

void TestFileSystem::another_process_holding_a_mailbag_makes_it_busy() {
  MemoryFileSystem memory;
  QVERIFY(memory.make_dirs("KEY").ok() && memory.make_dirs("MBG").ok());
  msmisim::LockingFileSystem fs(memory);
  msmi::Mailbag bag(fs, "SALES");
  QVERIFY(bag.append("one", nullptr).ok());
  // Another process holds the MBG: the update is refused before anything changes, and the KEY
  // the mailbag locked first is released again.
  fs.lock(bag.mbg_path());
  QVERIFY(fs.lock_file(bag.mbg_path()).is_busy());
  QVERIFY(bag.append("two", nullptr).is_busy());
  QVERIFY(memory.lock_file(bag.key_path()).ok());
  memory.unlock_file(bag.key_path());
  fs.unlock(bag.mbg_path());
  QVERIFY(bag.append("two", nullptr).ok());
  std::vector<msmi::MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), std::size_t{2});
  // Each update let go of both files when it was done; a power loss frees a lock left held.
  QVERIFY(memory.lock_file(bag.mbg_path()).ok());
  memory.crash();
  QVERIFY(memory.lock_file(bag.mbg_path()).ok());
}

namespace {

// The rule `text` says, which must parse.
msmisim::FaultRule rule_of(const std::string& text) {
  msmisim::FaultRule rule;
  int column = 0;
  if (!msmisim::parse_fault_rule(text, &rule, &column).ok()) qFatal("bad rule %s", text.c_str());
  return rule;
}

// An in-memory postoffice with the mailbag folders, and the fault wrapper over it with `rules`,
// as the engine sees it.
struct FaultyPostoffice {
  FaultyPostoffice(std::uint64_t seed, std::vector<msmisim::FaultRule> rules)
      : random(seed),
        injector(clock, random, effects, "hardened", std::move(rules)),
        faulty(memory, injector, random) {
    if (!memory.make_dirs("KEY").ok() || !memory.make_dirs("MBG").ok()) qFatal("no folders");
  }
  msmisim::MemoryFileSystem memory;
  msmisim::VirtualClock clock;
  msmi::SeededRandom random;
  testsupport::NoEffects effects;
  msmisim::FaultInjector injector;
  msmisim::FaultyFileSystem faulty;
};

msmi::P1Envelope envelope_of(const std::string& sender) {
  msmi::P1Envelope envelope;
  envelope.message_id = "MSNET/SALES/0000002A";
  envelope.number = 0x2A;
  envelope.sender = sender;
  envelope.to = {"MS:EXCHANGE/HQ/BOB"};
  envelope.mai_path = msmi::mai_path(0x2A);
  envelope.submitted_us = 1;
  return envelope;
}

}  // namespace

void TestFileSystem::each_disk_point_is_asked_at_its_own_calls_data() {
  // A rule failing every call of its point, and the calls it must fail: all the others succeed.
  QTest::addColumn<QString>("point");
  QTest::addColumn<QStringList>("failing");
  QTest::newRow("open") << "disk.open"
                        << QStringList{"read",     "read_if_changed", "refresh", "write",
                                       "write_at", "append",          "sync",    "remove"};
  QTest::newRow("read") << "disk.read" << QStringList{"read", "read_if_changed", "refresh"};
  QTest::newRow("write") << "disk.write" << QStringList{"write", "write_at"};
  QTest::newRow("append") << "disk.append" << QStringList{"append"};
  QTest::newRow("sync") << "disk.sync" << QStringList{"sync"};
  QTest::newRow("remove") << "disk.remove" << QStringList{"remove"};
  QTest::newRow("rename") << "disk.rename" << QStringList{"rename"};
  QTest::newRow("list") << "disk.list" << QStringList{"list"};
  QTest::newRow("mkdir") << "disk.mkdir" << QStringList{"mkdir"};
  QTest::newRow("lock") << "disk.lock" << QStringList{"lock"};
}

void TestFileSystem::each_disk_point_is_asked_at_its_own_calls() {
  QFETCH(QString, point);
  QFETCH(QStringList, failing);
  const QStringList calls = {"read", "read_if_changed", "refresh", "write", "write_at", "append",
                             "sync", "remove",          "rename",  "list",  "mkdir",    "lock"};
  for (const QString& call : calls) {
    msmisim::MemoryFileSystem memory;
    QVERIFY(memory.make_dirs("P1").ok());
    QVERIFY(memory.write_file("P1/A.P1", "bytes").ok());
    QVERIFY(memory.sync_file("P1/A.P1").ok());
    msmisim::VirtualClock clock;
    msmi::SeededRandom random(7);
    testsupport::NoEffects effects;
    msmisim::FaultInjector injector(clock, random, effects, "hardened",
                                    {rule_of(point.toStdString() + "=error(EIO)")});
    msmisim::FaultyFileSystem fs(memory, injector, random);
    const std::string path = "P1/A.P1";
    std::string contents;
    std::uint64_t version = 0;
    bool changed = false;
    msmi::FileSystem::Refresh how = msmi::FileSystem::Refresh::kReplaced;
    std::vector<std::string> names;
    msmi::Status s;
    if (call == "read") s = fs.read_file(path, &contents);
    if (call == "read_if_changed") s = fs.read_file_if_changed(path, &version, &contents, &changed);
    if (call == "refresh") s = fs.refresh_file(path, &version, &contents, &how);
    if (call == "write") s = fs.write_file(path, "new");
    if (call == "write_at") s = fs.write_file_at(path, 1, "Y");
    if (call == "append") s = fs.append_file(path, "more");
    if (call == "sync") s = fs.sync_file(path);
    if (call == "remove") s = fs.remove_file(path);
    if (call == "rename") s = fs.rename_file(path, "P1/B.P1");
    if (call == "list") s = fs.list_dir("P1", &names);
    if (call == "mkdir") s = fs.make_dirs("MAI");
    if (call == "lock") s = fs.lock_file(path);
    const bool fails = failing.contains(call);
    QVERIFY2(s.ok() != fails, qPrintable(call + ": " + QString::fromStdString(s.to_string())));
    if (fails) QVERIFY2(s.is_io_error(), qPrintable(call));
    // A call the rule failed never reached the disk.
    if (fails && call == "write") {
      QVERIFY(memory.read_file(path, &contents).ok());
      QCOMPARE(contents, std::string("bytes"));
    }
  }
}

// Every file call answers with a Status that the layers above copy, assign and move: a failure
// keeps its code and its words through each, and an ok one stays ok with no words.
void TestFileSystem::a_status_keeps_its_code_and_message_when_copied() {
  const Status busy = Status::Busy("KEY/INQUEUE3.KEY: locked");
  Status copy = busy;
  QVERIFY(copy.is_busy());
  QCOMPARE(copy.message(), std::string("KEY/INQUEUE3.KEY: locked"));
  QCOMPARE(busy.message(), copy.message());  // the original is untouched
  Status assigned = Status::Ok();
  assigned = busy;
  QCOMPARE(assigned.to_string(), std::string("Busy: KEY/INQUEUE3.KEY: locked"));
  assigned = assigned;  // onto itself
  QCOMPARE(assigned.to_string(), std::string("Busy: KEY/INQUEUE3.KEY: locked"));
  assigned = Status::Ok();
  QVERIFY(assigned.ok());
  QVERIFY(assigned.message().empty());
  QCOMPARE(assigned.to_string(), std::string("OK"));
  Status moved = std::move(copy);
  QCOMPARE(moved.to_string(), std::string("Busy: KEY/INQUEUE3.KEY: locked"));
  const Status ok_copy = Status::Ok();
  Status from_ok = ok_copy;
  QVERIFY(from_ok.ok());
  from_ok = Status::Full("MBG/SALES.MBG: 4096 records");
  QVERIFY(from_ok.is_full());
  QCOMPARE(from_ok.message(), std::string("MBG/SALES.MBG: 4096 records"));
}

void TestFileSystem::a_kind_rule_strikes_only_files_of_its_kind_data() {
  // The rules at disk.read, and the files (read in this order) whose reads they fail.
  QTest::addColumn<QStringList>("rules");
  QTest::addColumn<QStringList>("failing");
  const QString p1 = "P1/0000002A.P1";
  const QString key = "KEY/INQUEUE3.KEY";
  const QString mai = "MAI/MA0/0000002A.MAI";
  // In BAD/ and QUARANTINE/, and outside any folder, a file's kind is its extension.
  const QString quarantined = "QUARANTINE/0000002B.P1";
  const QString bad = "BAD/INQUEUE3.MBG";
  const QString root = "NETWORK.GLB";
  QTest::newRow("kind=P1") << QStringList{"disk.read[kind=P1]=error(EIO)"}
                           << QStringList{p1, quarantined};
  QTest::newRow("kind=p1, any case")
      << QStringList{"disk.read[kind=p1]=error(EIO)"} << QStringList{p1, quarantined};
  QTest::newRow("an extension outside a folder")
      << QStringList{"disk.read[kind=GLB]=error(EIO)"} << QStringList{root};
  QTest::newRow("the extension in BAD/")
      << QStringList{"disk.read[kind=MBG]=error(EIO)"} << QStringList{bad};
  QTest::newRow("a folder's kind")
      << QStringList{"disk.read[kind=MAI]=error(EIO)"} << QStringList{mai};
  QTest::newRow("two kinds") << QStringList{"disk.read[kind=KEY]=error(EIO)",
                                            "disk.read[kind=P1]=error(EIO)"}
                             << QStringList{p1, key, quarantined};
  // One rule for any file: the kind of the other rule rules nothing out.
  QTest::newRow("a kind and any file")
      << QStringList{"disk.read[kind=KEY]=error(EIO)", "disk.read[nth=1]=error(EIO)"}
      << QStringList{p1, key};
  QTest::newRow("a kind never read")
      << QStringList{"disk.read[kind=XTN]=error(EIO)"} << QStringList{};
}

// A rule asking for a kind of file fails the reads of that kind and leaves every other read
// alone, alone or beside rules for other kinds or for any file.
void TestFileSystem::a_kind_rule_strikes_only_files_of_its_kind() {
  QFETCH(QStringList, rules);
  QFETCH(QStringList, failing);
  std::vector<msmisim::FaultRule> parsed;
  for (const QString& rule : rules) parsed.push_back(rule_of(rule.toStdString()));
  FaultyPostoffice postoffice(5, std::move(parsed));
  const QStringList files = {"P1/0000002A.P1",         "KEY/INQUEUE3.KEY", "MAI/MA0/0000002A.MAI",
                             "QUARANTINE/0000002B.P1", "BAD/INQUEUE3.MBG", "NETWORK.GLB"};
  for (const QString& file : files) {
    const std::string path = file.toStdString();
    if (path.find('/') != std::string::npos)
      QVERIFY(postoffice.memory.make_dirs(path.substr(0, path.rfind('/'))).ok());
    QVERIFY(postoffice.memory.write_file(path, "bytes").ok());
  }
  for (const QString& file : files) {
    std::string contents;
    const msmi::Status s = postoffice.faulty.read_file(file.toStdString(), &contents);
    QVERIFY2(s.ok() != failing.contains(file),
             qPrintable(file + ": " + QString::fromStdString(s.to_string())));
  }
}

void TestFileSystem::message_file_cache_reads_what_the_file_holds_now_data() {
  QTest::addColumn<QString>("change");  // what happens to the P1 between two reads
  QTest::newRow("nothing") << "nothing";
  QTest::newRow("rewritten") << "rewritten";
  QTest::newRow("patched in place") << "patched";
  QTest::newRow("removed") << "removed";
  QTest::newRow("renamed over") << "renamed";
  QTest::newRow("torn by a power loss") << "torn";
  QTest::newRow("garbled by a fault") << "garbled";
  QTest::newRow("locked by a fault") << "locked";
}

void TestFileSystem::message_file_cache_reads_what_the_file_holds_now() {
  QFETCH(QString, change);
  MemoryFileSystem memory;
  QVERIFY(memory.make_dirs("P1").ok());
  msmisim::VirtualClock clock;
  msmi::SeededRandom random(7);
  testsupport::NoEffects effects;
  std::vector<msmisim::FaultRule> rules;
  const auto arm = [&](const char* text) {
    msmisim::FaultRule rule;
    int column = 0;
    QVERIFY(msmisim::parse_fault_rule(text, &rule, &column).ok());
    rules.push_back(rule);
  };
  if (change == "garbled") arm("disk.read[kind=P1,nth=2]=garble");
  if (change == "locked") arm("disk.read[kind=P1,nth=2]=lock");
  msmisim::FaultInjector injector(clock, random, effects, "hardened", rules);
  msmisim::FaultyFileSystem fs(memory, injector, random);
  const std::string path = msmi::p1_path(0x2A);
  QVERIFY(memory.write_file(path, msmi::encode_p1(envelope_of("MS:MSNET/SALES/ALICE"))).ok());
  QVERIFY(memory.sync_file(path).ok());

  msmi::MessageFileCache cache(fs);
  std::shared_ptr<const msmi::P1Envelope> first;  // the cache's own decoding, shared
  QVERIFY(cache.read_p1(path, &first).ok());
  QCOMPARE(first->sender, std::string("MS:MSNET/SALES/ALICE"));
  QCOMPARE(cache.hits(), std::size_t{0});

  const std::string other = msmi::encode_p1(envelope_of("MS:MSNET/OPS/CAROL"));
  if (change == "rewritten") QVERIFY(memory.write_file(path, other).ok());
  if (change == "patched") {
    QVERIFY(memory.write_file_at(path, 0, other).ok());  // other sender, over the old bytes
  }
  if (change == "removed") QVERIFY(memory.remove_file(path).ok());
  if (change == "renamed") {
    QVERIFY(memory.write_file("P1/NEW.P1", other).ok());
    QVERIFY(memory.rename_file("P1/NEW.P1", path).ok());
  }
  if (change == "torn") {
    QVERIFY(memory.write_file(path, other).ok());  // never synced: the power loss undoes it
    memory.crash();
  }

  // The second read gives what read_file and decode_p1 give now.
  std::string bytes;
  msmi::Status expected = fs.read_file(path, &bytes);
  msmi::P1Envelope fresh;
  if (expected.ok()) expected = msmi::decode_p1(bytes, path, &fresh);
  if (change == "garbled" || change == "locked") {
    // The fault struck that read; the cache's read is the next one, which sees the same file.
    QVERIFY(!expected.ok());
    expected = fs.read_file(path, &bytes);
    if (expected.ok()) expected = msmi::decode_p1(bytes, path, &fresh);
  }
  msmi::P1Envelope second;
  const msmi::Status s = cache.read_p1(path, &second);
  QCOMPARE(s.code(), expected.code());
  QCOMPARE(s.message(), expected.message());
  if (s.ok()) QCOMPARE(second.sender, fresh.sender);
  const bool unchanged = change == "nothing";
  QCOMPARE(cache.hits(), std::size_t{unchanged ? 1u : 0u});
  if (change == "rewritten" || change == "renamed")
    QCOMPARE(second.sender, std::string("MS:MSNET/OPS/CAROL"));
  if (change == "torn") QCOMPARE(second.sender, std::string("MS:MSNET/SALES/ALICE"));
  // A decoding handed out is never changed by a later read of a changed file.
  QCOMPARE(first->sender, std::string("MS:MSNET/SALES/ALICE"));
  // The shared read answers as the copying one: the same status, the same sender, never null.
  std::shared_ptr<const msmi::P1Envelope> third;
  const msmi::Status again = cache.read_p1(path, &third);
  QCOMPARE(again.code(), s.code());
  QVERIFY(third != nullptr);
  if (again.ok()) QCOMPARE(third->sender, second.sender);
  if (!again.ok()) QCOMPARE(third->sender, std::string());
}

void TestFileSystem::crash_keeps_only_synced_bytes_data() {
  QTest::addColumn<QStringList>("steps");
  QTest::addColumn<QString>("last");
  const auto row = [](const char* name, const QStringList& steps, const char* last) {
    QTest::newRow(name) << steps << QString(last);
  };
  row("a synced file stays", {"write A x", "sync A", "crash", "read A"}, "ok 'x'");
  row("a never-synced file vanishes", {"write A x", "crash", "exists A"}, "false");
  row("an unsynced append is lost", {"write A x", "sync A", "append A y", "crash", "read A"},
      "ok 'x'");
  row("a synced append stays", {"write A x", "sync A", "append A y", "sync A", "crash", "read A"},
      "ok 'xy'");
  row("an unsynced rewrite is undone", {"write A old", "sync A", "write A new", "crash", "read A"},
      "ok 'old'");
  row("the last sync counts",
      {"write A 1", "sync A", "write A 2", "sync A", "write A 3", "crash", "read A"}, "ok '2'");
  // Each sync frees the buffer of the sync before; writes reuse it and never the durable one.
  row("the last of many syncs counts",
      {"write A 1", "sync A", "write A 2", "sync A", "write A 3", "sync A", "write A 4", "sync A",
       "write A 5", "crash", "read A"},
      "ok '4'");
  row("a patch after many syncs is undone",
      {"write A 11", "sync A", "write A 22", "sync A", "write A 33", "sync A", "patch A 0 4",
       "crash", "read A"},
      "ok '33'");
  row("a synced patch after many syncs stays",
      {"write A 11", "sync A", "write A 22", "sync A", "patch A 1 4", "sync A", "write A 55",
       "crash", "read A"},
      "ok '24'");
  row("a remove is durable at once", {"write A x", "sync A", "rm A", "crash", "exists A"}, "false");
  row("a rename is durable at once", {"write A x", "sync A", "mv A B", "crash", "read B"},
      "ok 'x'");
  row("a renamed file keeps its synced data",
      {"write A x", "sync A", "append A y", "mv A B", "crash", "read B"}, "ok 'x'");
  row("an unsynced file renamed over a synced one",
      {"write B old", "sync B", "write A new", "mv A B", "crash", "exists B"}, "false");
  row("a synced file renamed over another",
      {"write B old", "sync B", "write A new", "sync A", "mv A B", "crash", "read B"}, "ok 'new'");
  row("folders stay", {"mkdir MAI/MA0", "crash", "ls MAI/MA0"}, "ok []");
  row("unsynced files leave the listing",
      {"mkdir P1", "write P1/A x", "sync P1/A", "write P1/B x", "crash", "ls P1"}, "ok [A]");
  row("usable after the crash", {"write A x", "crash", "write A y", "sync A", "crash", "read A"},
      "ok 'y'");
}

void TestFileSystem::crash_keeps_only_synced_bytes() {
  QFETCH(QStringList, steps);
  QFETCH(QString, last);
  MemoryFileSystem memory;
  const QStringList traced = trace(memory, &memory, steps);
  QVERIFY2(last_result(traced) == last, qPrintable(traced.join("\n")));
}

// The memory disk, the ledger and the duplicate window index paths and message IDs in
// power-of-two tables, by the low bits of StringHash. Keys that differ only in their last
// characters (a serial number) must still land in as many slots as a random hash would fill:
// clustered, every lookup of a busy run walks a long probe sequence.
void TestFileSystem::keys_spread_over_the_low_bits_of_their_hash_data() {
  QTest::addColumn<QString>("format");
  QTest::newRow("message ID") << "MSNET/OPS/%08X";
  QTest::newRow("long message ID") << "EXCHANGE/MTA/%08X";
  QTest::newRow("P1 file") << "P1/%08X.P1";
  QTest::newRow("MAI file") << "MAI/MA3/%08X.MAI";
  QTest::newRow("short name") << "%X";
}

void TestFileSystem::keys_spread_over_the_low_bits_of_their_hash() {
  QFETCH(QString, format);
  const std::string pattern = format.toStdString();
  constexpr int kKeys = 30000;
  constexpr std::size_t kSlots = 1 << 16;
  std::vector<char> used(kSlots);
  std::size_t distinct = 0;
  const msmi::StringHash hash;
  for (int i = 1; i <= kKeys; ++i) {
    char key[64];
    std::snprintf(key, sizeof key, pattern.c_str(), static_cast<unsigned>(i));
    char& slot = used[hash(std::string_view(key)) & (kSlots - 1)];
    distinct += slot == 0;
    slot = 1;
  }
  // A random hash fills 65,536 * (1 - e^(-30,000/65,536)) = 24,040 slots on average.
  QVERIFY2(
      distinct >= 22000,
      qPrintable(
          QString("%1 slots of 65,536 for 30,000 keys like \"%2\"").arg(distinct).arg(format)));
}

void TestFileSystem::listing_is_sorted_byte_wise() {
  // Written in an order that is neither sorted nor reversed, with names that a locale-aware or
  // case-blind sort would put elsewhere.
  const std::vector<std::string> written = {"b.P1", "0000000A.P1", "B.P1", "a", "_x",
                                            "A.P1", "00000009.P1", "a.p1", "~"};
  const std::vector<std::string> sorted = {"00000009.P1", "0000000A.P1", "A.P1", "B.P1", "_x",
                                           "a",           "a.p1",        "b.P1", "~"};
  QTemporaryDir dir;
  DiskFileSystem disk(dir.path().toStdString());
  MemoryFileSystem memory;
  for (msmi::FileSystem* fs :
       {static_cast<msmi::FileSystem*>(&disk), static_cast<msmi::FileSystem*>(&memory)}) {
    QVERIFY(fs->make_dirs("P1").ok());
    for (const std::string& name : written) QVERIFY(fs->write_file("P1/" + name, name).ok());
    std::vector<std::string> names;
    QVERIFY(fs->list_dir("P1", &names).ok());
    QCOMPARE(names, sorted);
  }
}

// Whenever the power goes while records are queued and marked, every record the mailbag
// acknowledged is there after the reboot, and the pair is never damaged: the MBG is durable
// before the KEY points at it. (Removals that rewrite the MBG are not crash-safe; see
// mailbag.cpp.)
void TestFileSystem::mailbag_keeps_every_acknowledged_record_through_a_power_loss() {
  constexpr int kRecords = 6;
  int budgets_tried = 0;
  for (int budget = 0;; ++budget) {
    MemoryFileSystem memory;
    QVERIFY(memory.make_dirs("KEY").ok());
    QVERIFY(memory.make_dirs("MBG").ok());
    PowerCut power(memory, budget);
    msmi::Mailbag writer(power, "INQUEUE3");
    std::vector<std::string> acknowledged;
    for (int i = 0; i < kRecords; ++i) {
      const std::string payload = "record " + std::to_string(i);
      std::uint32_t seq = 0;
      if (writer.append(payload, &seq).ok()) acknowledged.push_back(payload);
      // Marking a record ready rewrites only the KEY.
      if (i % 2 == 0 && seq != 0) {
        const Status marked = writer.update(seq, msmi::MailbagState::kReady, 0);
        QVERIFY(marked.ok() || power.cut());
      }
    }
    ++budgets_tried;
    std::vector<msmi::MailbagEntry> entries;
    const Status loaded = msmi::Mailbag(memory, "INQUEUE3").load(&entries);
    QVERIFY2(loaded.ok(), qPrintable(QString("power cut after %1 calls: %2")
                                         .arg(budget)
                                         .arg(QString::fromStdString(loaded.to_string()))));
    std::vector<std::string> kept;
    for (const msmi::MailbagEntry& e : entries) kept.push_back(e.payload);
    // A record becomes durable with the sync of its KEY, the last call of an append: exactly
    // the acknowledged records are there.
    QVERIFY2(kept == acknowledged, qPrintable(QString("power cut after %1 calls: %2 of %3 kept")
                                                  .arg(budget)
                                                  .arg(kept.size())
                                                  .arg(acknowledged.size())));
    if (!power.cut()) break;  // the budget outlasted the whole sequence
  }
  QVERIFY(budgets_tried > kRecords * 4);  // every append is several calls, each one a cut point
}

// Two Mailbag objects on one INQUEUE3, as the MS Mail side and the MSMI hold it: they share one
// parse, patched from what changed. After any mix of appends, updates, removals,
// compactions and resets by either side, what the reader sees is what a fresh Mailbag reads, and
// a read fault strikes the reader's read even when nothing changed since its last one.
void TestFileSystem::mailbag_reader_sees_every_change_the_other_side_makes() {
  FaultyPostoffice postoffice(11, {rule_of("disk.read[kind=KEY]=5%error(EIO)")});
  msmisim::MemoryFileSystem& memory = postoffice.memory;
  msmisim::FaultyFileSystem& faulty = postoffice.faulty;
  msmi::Mailbag writer(memory, "INQUEUE3");
  msmi::Mailbag reader(faulty, "INQUEUE3");
  msmi::SeededRandom choose(5);
  int failed_reads = 0;
  int compared = 0;
  for (int step = 0; step < 600; ++step) {
    // Either side changes the queue; big records now and then make removals compact the MBG.
    msmi::Mailbag& side = choose.uniform(4) == 0 ? reader : writer;
    std::vector<msmi::MailbagEntry> now;
    const msmi::Status loaded = side.load(&now);
    const std::uint64_t action = choose.uniform(100);
    if (action < 45 || !loaded.ok() || now.empty()) {
      const std::size_t size = choose.uniform(10) == 0 ? 30000 : 20 + choose.uniform(200);
      const std::string payload = "#" + std::to_string(step) + std::string(size, 'x');
      (void)side.append(payload, nullptr);
    } else if (action < 70) {
      const msmi::MailbagEntry& e = now[choose.uniform(now.size())];
      (void)side.update(e.seq, static_cast<msmi::MailbagState>(choose.uniform(3)),
                        static_cast<std::uint8_t>(e.attempts + 1), &e.payload);
    } else if (action < 98) {
      const msmi::MailbagEntry& e = now[choose.uniform(now.size())];
      (void)side.remove(e.seq, &e.payload);
    } else {
      QVERIFY(writer.reset().ok());
    }
    const msmi::MailbagEntries* seen = nullptr;
    const msmi::Status s = reader.view(&seen);
    if (!s.ok()) {
      QVERIFY2(s.is_io_error(), qPrintable(QString::fromStdString(s.to_string())));
      ++failed_reads;
      continue;
    }
    // Read through a wrapper that shares nothing: the files themselves, not the shared parse.
    msmi::FileSystemWrapper unshared(memory);
    std::vector<msmi::MailbagEntry> fresh;
    QVERIFY(msmi::Mailbag(unshared, "INQUEUE3").load(&fresh).ok());
    QCOMPARE(seen->size(), fresh.size());
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      QCOMPARE((*seen)[i].seq, fresh[i].seq);
      QCOMPARE((*seen)[i].state, fresh[i].state);
      QCOMPARE((*seen)[i].attempts, fresh[i].attempts);
      QCOMPARE((*seen)[i].offset, fresh[i].offset);
      QCOMPARE((*seen)[i].payload, fresh[i].payload);
    }
    ++compared;
  }
  QVERIFY(failed_reads > 5);  // the rule did strike the reader's cached reads
  QVERIFY(compared > 400);
}

// The MS Mail side's Mailbag and the engine's (through the fault wrapper) keep one copy and one
// parse of the pair: what one side wrote, the other reads without copying the files again. A
// file system that does not forward shared readings keeps its own, and reads the files.
void TestFileSystem::mailbags_of_one_name_share_one_reading() {
  FaultyPostoffice postoffice(3, {});
  msmisim::MemoryFileSystem& memory = postoffice.memory;
  CountingReads engine_side(postoffice.faulty, true);
  CountingReads unshared_side(memory, false);
  msmi::Mailbag ms_mail(memory, "INQUEUE3");
  msmi::Mailbag engine(engine_side, "INQUEUE3");
  msmi::Mailbag other(unshared_side, "INQUEUE3");
  std::uint32_t seq = 0;
  for (int i = 0; i < 5; ++i) {
    QVERIFY(ms_mail.append("record " + std::to_string(i), &seq).ok());
    const msmi::MailbagEntries* entries = nullptr;
    QVERIFY(engine.view(&entries).ok());
    QCOMPARE(entries->size(), std::size_t(i + 1));
    QCOMPARE(entries->back().payload, "record " + std::to_string(i));
    QVERIFY(engine.update(entries->back().seq, msmi::MailbagState::kReady, 0).ok());
    std::vector<msmi::MailbagEntry> seen;
    QVERIFY(other.load(&seen).ok());
    QCOMPARE(seen.size(), std::size_t(i + 1));
    QCOMPARE(seen.back().state, msmi::MailbagState::kReady);
  }
  QVERIFY(ms_mail.remove(seq).ok());
  std::vector<msmi::MailbagEntry> left;
  QVERIFY(engine.load(&left).ok());
  QCOMPARE(left.size(), std::size_t(4));
  QCOMPARE(engine_side.copies, 0);     // every change was the other side's, already parsed
  QVERIFY(unshared_side.copies >= 5);  // the KEY at least, after every change
}

// A Mailbag that wrote the KEY edits its own bytes where a change touched them (an entry's state,
// an entry appended or removed) instead of encoding every entry again. The files must come out
// byte for byte as from a Mailbag that encodes the whole KEY every time: one reading through a
// wrapper that reports no file versions, so that it never trusts bytes it wrote.
void TestFileSystem::a_key_edited_where_it_changed_is_the_key_encoded_whole() {
  msmisim::MemoryFileSystem edited_disk;
  msmisim::MemoryFileSystem whole_disk;
  for (msmisim::MemoryFileSystem* disk : {&edited_disk, &whole_disk}) {
    QVERIFY(disk->make_dirs("KEY").ok());
    QVERIFY(disk->make_dirs("MBG").ok());
  }
  msmi::FileSystemWrapper no_versions(whole_disk);
  msmi::Mailbag edited(edited_disk, "INQUEUE3");
  msmi::Mailbag whole(no_versions, "INQUEUE3");
  msmi::SeededRandom choose(17);
  int changes = 0;
  for (int step = 0; step < 800; ++step) {
    std::vector<msmi::MailbagEntry> now;
    QVERIFY(edited.load(&now).ok());
    const std::uint64_t action = choose.uniform(100);
    msmi::Status a;
    msmi::Status b;
    if (action < 40 || now.empty()) {
      // Now and then a big record, so that removals compact the MBG.
      const std::size_t size = choose.uniform(12) == 0 ? 30000 : 10 + choose.uniform(100);
      const std::string payload = "#" + std::to_string(step) + std::string(size, 'x');
      a = edited.append(payload, nullptr);
      b = whole.append(payload, nullptr);
    } else if (action < 75) {
      const msmi::MailbagEntry& e = now[choose.uniform(now.size())];
      const auto state = static_cast<msmi::MailbagState>(choose.uniform(3));
      const auto attempts = static_cast<std::uint8_t>(choose.uniform(4));
      a = edited.update(e.seq, state, attempts);
      b = whole.update(e.seq, state, attempts);
    } else if (action < 95) {
      const std::uint32_t seq = now[choose.uniform(now.size())].seq;
      a = edited.remove(seq);
      b = whole.remove(seq);
    } else {
      const std::size_t limit = 1 + choose.uniform(4);
      std::vector<msmi::MailbagEntry> taken_a;
      std::vector<msmi::MailbagEntry> taken_b;
      a = edited.take_oldest(limit, &taken_a);
      b = whole.take_oldest(limit, &taken_b);
      QCOMPARE(taken_a.size(), taken_b.size());
    }
    QVERIFY(a.ok());
    QVERIFY(b.ok());
    for (const char* path : {"KEY/INQUEUE3.KEY", "MBG/INQUEUE3.MBG"}) {
      std::string edited_bytes;
      std::string whole_bytes;
      QVERIFY(edited_disk.read_file(path, &edited_bytes).ok());
      QVERIFY(whole_disk.read_file(path, &whole_bytes).ok());
      QVERIFY2(edited_bytes == whole_bytes,
               qPrintable(QString("%1 differs after step %2").arg(path).arg(step)));
    }
    ++changes;
  }
  QCOMPARE(changes, 800);
}

// A KEY written by another program may carry non-zero flag and reserved bytes in its entries;
// the format says they are zero. The next change reads such a KEY back and encodes it whole, so
// they are cleared, even by a Mailbag that wrote the KEY before.
void TestFileSystem::a_key_another_writer_left_is_encoded_whole() {
  msmisim::MemoryFileSystem disk;
  QVERIFY(disk.make_dirs("KEY").ok());
  QVERIFY(disk.make_dirs("MBG").ok());
  msmi::Mailbag bag(disk, "INQUEUE3");
  std::uint32_t seq = 0;
  QVERIFY(bag.append("first", nullptr).ok());
  QVERIFY(bag.append("second", &seq).ok());
  std::string key;
  QVERIFY(disk.read_file("KEY/INQUEUE3.KEY", &key).ok());
  QCOMPARE(key.size(), std::size_t(24 + 2 * 24));
  // The other writer sets the flags of the first entry and fixes the CRC up.
  key[24 + 18] = '\x01';
  key[24 + 23] = '\x7F';
  const std::string_view view(key);
  const std::uint32_t crc = msmi::crc32(view.substr(24), msmi::crc32(view.substr(0, 20)));
  for (int i = 0; i < 4; ++i) key[20 + i] = static_cast<char>((crc >> (8 * i)) & 0xFF);
  QVERIFY(disk.write_file("KEY/INQUEUE3.KEY", key).ok());

  QVERIFY(bag.update(seq, msmi::MailbagState::kInProgress, 1).ok());
  QVERIFY(disk.read_file("KEY/INQUEUE3.KEY", &key).ok());
  QCOMPARE(int(key[24 + 18]), 0);
  QCOMPARE(int(key[24 + 23]), 0);
  std::vector<msmi::MailbagEntry> entries;
  QVERIFY(bag.load(&entries).ok());
  QCOMPARE(entries.size(), std::size_t(2));
  QCOMPARE(entries[1].state, msmi::MailbagState::kInProgress);
}

void TestFileSystem::kb_scenarios_run_the_same_in_memory_and_on_disk_data() {
  QTest::addColumn<QString>("scenario_path");
  QTest::addColumn<bool>("maximum_logging");  // every file the engine touches shows in events
  QTest::addColumn<int>("at_least");          // events, so that there is something to compare
  for (const char* kb : {"Q151791", "Q168857", "Q175965"}) {
    const QString path = QString("scenarios/kb/%1.json").arg(kb);
    QTest::addRow("%s as written", kb) << path << false << 5;
    QTest::addRow("%s at maximum logging", kb) << path << true << 100;
  }
}

void TestFileSystem::kb_scenarios_run_the_same_in_memory_and_on_disk() {
  QFETCH(QString, scenario_path);
  QFETCH(bool, maximum_logging);
  QFETCH(int, at_least);
  msmisim::Scenario scenario = testsupport::scenario_file(scenario_path.toStdString());
  if (maximum_logging) {
    scenario.logging_default = msmi::LoggingLevel::kMaximum;
    scenario.logging.clear();
  }
  msmisim::RunOptions options;
  options.seed = msmisim::default_seed(scenario);
  options.profile = scenario.profile;
  msmisim::RunResult in_memory;
  QVERIFY(options.postoffice_dir.empty());
  QVERIFY(msmisim::run_scenario(scenario, options, &in_memory).ok());
  QTemporaryDir dir;
  options.postoffice_dir = dir.path().toStdString() + "/po";
  msmisim::RunResult on_disk;
  QVERIFY(msmisim::run_scenario(scenario, options, &on_disk).ok());
  // The run really used the folder, so the comparison is between two different disks.
  QVERIFY(QFile::exists(dir.path() + "/po/GLB/NETWORK.GLB"));

  QVERIFY(in_memory.events.size() >= static_cast<std::size_t>(at_least));
  QCOMPARE(in_memory.events.size(), on_disk.events.size());
  for (std::size_t i = 0; i < on_disk.events.size(); ++i) {
    const msmi::Event& m = in_memory.events[i];
    const msmi::Event& d = on_disk.events[i];
    QVERIFY2(m == d, qPrintable(QString("event %1 differs: %2 %3 t%4 '%5' in memory, %6 %7 t%8 "
                                        "'%9' on disk")
                                    .arg(i)
                                    .arg(m.event_id)
                                    .arg(m.time_us)
                                    .arg(m.thread)
                                    .arg(QString::fromStdString(m.description))
                                    .arg(d.event_id)
                                    .arg(d.time_us)
                                    .arg(d.thread)
                                    .arg(QString::fromStdString(d.description))));
  }
  QCOMPARE(in_memory.ledger.size(), on_disk.ledger.size());
  for (std::size_t i = 0; i < on_disk.ledger.size(); ++i) {
    QCOMPARE(in_memory.ledger[i].fate, on_disk.ledger[i].fate);
    QCOMPARE(in_memory.ledger[i].settled_us, on_disk.ledger[i].settled_us);
  }
  QCOMPARE(in_memory.backlog.p1_files, on_disk.backlog.p1_files);
  QCOMPARE(in_memory.backlog.inqueue3, on_disk.backlog.inqueue3);
  QCOMPARE(in_memory.passed(), on_disk.passed());
}

QTEST_APPLESS_MAIN(TestFileSystem)
#include "tst_file_system.moc"
