#include "msmisim/faulty_file_system.h"

namespace msmisim {
using msmi::Status;
namespace {

// The names of FaultyFileSystem's points, in the order of its Point enum.
constexpr std::array<std::string_view, 10> kPointNames = {
    "disk.open",   "disk.read",   "disk.write", "disk.append", "disk.sync",
    "disk.remove", "disk.rename", "disk.list",  "disk.mkdir",  "disk.lock"};

}  // namespace

FaultyFileSystem::FaultyFileSystem(msmi::FileSystem& target, FaultInjector& injector,
                                   msmi::Random& random)
    : FileSystemWrapper(target), injector_(injector), random_(random) {
  static_assert(kPointNames.size() == kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) armed_[i] = injector_.point_handle(kPointNames[i]);
}

const Action* FaultyFileSystem::check_armed(Point which, const std::string& path, Status* status) {
  *status = Status::Ok();
  if (!powered_) {
    *status = Status::IoError(path + ": the server has no power");
    return nullptr;
  }
  if (!locked_.empty() && locked_.count(path) != 0) {
    *status = Status::Busy(path + ": locked by another process (fault rule)");
    return nullptr;
  }
  const auto index = static_cast<std::size_t>(which);
  if (armed_[index] == FaultInjector::kUnarmed || !injector_.may_match_file(armed_[index], path))
    return nullptr;
  const std::string_view point = kPointNames[index];
  FaultSubject subject;
  subject.file = path;
  const Action* action = injector_.evaluate_armed(armed_[index], point, subject);
  if (action == nullptr) return nullptr;
  const std::string where = path + " (fault rule " + std::string(point) + ")";
  switch (action->kind) {
    case ActionKind::kError:
      if (action->error == "ENOSPC")
        *status = Status::Full(where + ": no space left on the device");
      else if (action->error == "EBUSY")
        *status = Status::Busy(where + ": in use by another process");
      else if (action->error == "ENOENT")
        *status = Status::NotFound(where + ": no such file");
      else if (action->error == "EACCES")
        *status = Status::IoError(where + ": access denied");
      else
        *status = Status::IoError(where + ": input/output error");
      break;
    case ActionKind::kLock:
      locked_.insert(path);
      *status = Status::Busy(path + ": locked by another process (fault rule)");
      break;
    case ActionKind::kFill:
      *status = Status::Full(where + ": the mailbag is full");
      break;
    case ActionKind::kHang:
    case ActionKind::kTerminate:
    case ActionKind::kStop:
    case ActionKind::kPowerLoss:
      *status = Status::IoError(where + ": the call never returned");
      break;
    default:
      break;
  }
  return action;
}

const Action* FaultyFileSystem::check_open(Point point, const std::string& path, Status* status) {
  check(Point::kOpen, path, status);
  return status->ok() ? check(point, path, status) : nullptr;
}

std::string FaultyFileSystem::damage(const Action& action, std::string data) {
  switch (action.kind) {
    case ActionKind::kTruncate:
      if (static_cast<std::int64_t>(data.size()) > action.size)
        data.resize(static_cast<std::size_t>(action.size));
      break;
    case ActionKind::kGarble:
      // Flip a few seeded bytes: enough for any checksum to notice.
      for (int i = 0; i < 4 && !data.empty(); ++i)
        data[random_.uniform(data.size())] ^= static_cast<char>(0x5A);
      break;
    case ActionKind::kReplace:
      data = action.text;
      break;
    default:
      break;
  }
  return data;
}

Status FaultyFileSystem::read_file(const std::string& path, std::string* contents) {
  std::uint64_t version = 0;
  bool changed = true;
  return read_file_if_changed(path, &version, contents, &changed);
}

Status FaultyFileSystem::before_read(const std::string& path) {
  Status s;
  const Action* action = check_open(Point::kRead, path, &s);
  if (!s.ok()) return s;
  if (action != nullptr &&
      (action->kind == ActionKind::kTruncate || action->kind == ActionKind::kGarble ||
       action->kind == ActionKind::kReplace)) {
    // The file itself is damaged on disk, so every later reader sees the same damage.
    std::string data;
    s = target().read_file(path, &data);
    if (!s.ok()) return s;
    s = target().write_file(path, damage(*action, std::move(data)));
  }
  return s;
}

Status FaultyFileSystem::read_file_if_changed(const std::string& path, std::uint64_t* version,
                                              std::string* contents, bool* changed) {
  const std::uint64_t held = *version;
  *version = 0;
  const Status s = before_read(path);
  if (!s.ok()) return s;
  *version = held;
  return target().read_file_if_changed(path, version, contents, changed);
}

Status FaultyFileSystem::refresh_file(const std::string& path, std::uint64_t* version,
                                      std::string* contents, Refresh* how) {
  const std::uint64_t held = *version;
  *version = 0;
  const Status s = before_read(path);
  if (!s.ok()) return s;
  *version = held;
  return target().refresh_file(path, version, contents, how);
}

Status FaultyFileSystem::write_file_at(const std::string& path, std::uint64_t offset,
                                       std::string_view data) {
  Status s;
  const Action* action = check_open(Point::kWrite, path, &s);
  if (!s.ok()) return s;
  if (action != nullptr) {
    std::string contents;
    s = target().read_file(path, &contents);
    if (s.ok()) s = msmi::FileSystem::patch_contents(path, offset, data, &contents);
    if (!s.ok()) return s;
    damaged_by_write_.insert(path);
    return target().write_file(path, damage(*action, std::move(contents)));
  }
  s = target().write_file_at(path, offset, data);
  if (s.ok()) damaged_by_write_.erase(path);
  return s;
}

Status FaultyFileSystem::write_file(const std::string& path, std::string_view contents) {
  Status s;
  const Action* action = check_open(Point::kWrite, path, &s);
  if (!s.ok()) return s;
  if (action != nullptr) {
    damaged_by_write_.insert(path);
    return target().write_file(path, damage(*action, std::string(contents)));
  }
  s = target().write_file(path, contents);
  if (s.ok()) damaged_by_write_.erase(path);
  return s;
}

Status FaultyFileSystem::append_file(const std::string& path, std::string_view data) {
  Status s;
  const Action* action = check_open(Point::kAppend, path, &s);
  if (!s.ok()) return s;
  if (action != nullptr) {
    damaged_by_write_.insert(path);
    return target().append_file(path, damage(*action, std::string(data)));
  }
  return target().append_file(path, data);
}

std::uint64_t FaultyFileSystem::version_of(const std::string& path) {
  return damaged_by_write_.count(path) != 0 ? 0 : target().version_of(path);
}

Status FaultyFileSystem::remove_file(const std::string& path) {
  Status s;
  check_open(Point::kRemove, path, &s);
  return s.ok() ? target().remove_file(path) : s;
}

Status FaultyFileSystem::rename_file(const std::string& from, const std::string& to) {
  Status s;
  check(Point::kRename, from, &s);
  if (s.ok() && locked_.count(to) != 0)
    s = Status::Busy(to + ": locked by another process (fault rule)");
  return s.ok() ? target().rename_file(from, to) : s;
}

Status FaultyFileSystem::list_dir(const std::string& dir, std::vector<std::string>* names) {
  Status s;
  check(Point::kList, dir, &s);
  return s.ok() ? target().list_dir(dir, names) : s;
}

Status FaultyFileSystem::make_dirs(const std::string& dir) {
  Status s;
  check(Point::kMkdir, dir, &s);
  return s.ok() ? target().make_dirs(dir) : s;
}

Status FaultyFileSystem::sync_file(const std::string& path) {
  Status s;
  check_open(Point::kSync, path, &s);
  return s.ok() ? target().sync_file(path) : s;
}

Status FaultyFileSystem::lock_file(const std::string& path) {
  Status s;
  check(Point::kLock, path, &s);
  return s.ok() ? target().lock_file(path) : s;
}

}  // namespace msmisim
