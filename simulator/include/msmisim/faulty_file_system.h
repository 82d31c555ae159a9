// The disk's fault points (disk.read, disk.write, …): a FileSystemWrapper that asks the
// FaultInjector at every call (disk.open first, before every read, write, append, sync and
// removal of a file; disk.lock when the MSMI locks a mailbag's file for update) and carries out the
// disk's own actions — an errno, a lock that stays, a damaged file or damaged data, a full mailbag.
// Hangs, delays, events and the end of the service are the world's, carried out by the injector
// itself; the call then fails with EIO.
#pragma once

#include <array>
#include <memory>
#include <set>
#include <string>

#include "msmi/file_system.h"
#include "msmi/random.h"
#include "msmisim/fault_injector.h"

namespace msmisim {

class FaultyFileSystem final : public msmi::FileSystemWrapper {
 public:
  // `target`, `injector` and `random` must outlive this wrapper.
  FaultyFileSystem(msmi::FileSystem& target, FaultInjector& injector, msmi::Random& random);

  msmi::Status read_file(const std::string& path, std::string* contents) override;
  msmi::Status write_file(const std::string& path, std::string_view contents) override;
  msmi::Status append_file(const std::string& path, std::string_view data) override;
  msmi::Status remove_file(const std::string& path) override;
  msmi::Status rename_file(const std::string& from, const std::string& to) override;
  msmi::Status list_dir(const std::string& dir, std::vector<std::string>* names) override;
  msmi::Status make_dirs(const std::string& dir) override;
  msmi::Status sync_file(const std::string& path) override;
  msmi::Status lock_file(const std::string& path) override;
  // The target's versions, except for a file this wrapper damaged while writing it: its writer
  // does not know what it holds, so its version is unknown until it is written whole again.
  std::uint64_t version_of(const std::string& path) override;
  // The target's: what one side decoded, the other may use once the versions agree.
  std::shared_ptr<void>& shared_reading(const std::string& key) override {
    return target().shared_reading(key);
  }
  // The same fault point as read_file.
  msmi::Status read_file_if_changed(const std::string& path, std::uint64_t* version,
                                    std::string* contents, bool* changed) override;
  // The same fault point as read_file.
  msmi::Status refresh_file(const std::string& path, std::uint64_t* version, std::string* contents,
                            Refresh* how) override;
  // The same fault points as write_file, with the same effect: a damaging action damages the
  // whole file as it would be after the patch, as if it had been written whole.
  msmi::Status write_file_at(const std::string& path, std::uint64_t offset,
                             std::string_view data) override;
  // The locks taken by `lock` actions end with the processes that held them (a reboot).
  void release_locks() { locked_.clear(); }
  // While the power is off every call fails: nothing reaches the disk.
  void set_powered(bool on) { powered_ = on; }

 private:
  // The disk's fault points, one per kind of call.
  enum class Point { kOpen, kRead, kWrite, kAppend, kSync, kRemove, kRename, kList, kMkdir, kLock };
  static constexpr std::size_t kPoints = 10;
  // The injector's action for this call; *status is set when the call must fail. Most calls
  // are of a point no rule names, on a powered disk with no file locked by a rule: those
  // return at once, without the call of the whole check.
  const Action* check(Point point, const std::string& path, msmi::Status* status) {
    if (powered_ && locked_.empty() &&
        armed_[static_cast<std::size_t>(point)] == FaultInjector::kUnarmed) {
      *status = msmi::Status::Ok();
      return nullptr;
    }
    return check_armed(point, path, status);
  }
  const Action* check_armed(Point point, const std::string& path, msmi::Status* status);
  // disk.open, then `point`: the file is opened before the call does anything with it.
  const Action* check_open(Point point, const std::string& path, msmi::Status* status);
  std::string damage(const Action& action, std::string data);
  // disk.open and disk.read, and the damage a read action does to the file on disk.
  msmi::Status before_read(const std::string& path);

  FaultInjector& injector_;
  msmi::Random& random_;
  std::set<std::string> locked_;  // files locked by a `lock` action, for the rest of the run
  std::set<std::string> damaged_by_write_;  // see version_of
  bool powered_ = true;
  // The injector's handle of each point (FaultInjector::kUnarmed if no rule names it): the
  // injector is asked only about armed points (its rules are fixed when it is made), so a call
  // of a point no rule names costs no subject and no lookup, and one of an armed point no search.
  std::array<std::size_t, kPoints> armed_{};
};

}  // namespace msmisim
