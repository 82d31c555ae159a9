#include "message_disposal.h"

#include "msmi/event_catalogue.h"
#include "msmi/message_files.h"

namespace msmi {
namespace {

std::string flat_name(const std::string& path) {
  std::string out = path;
  for (char& c : out) {
    if (c == '/') c = '_';
  }
  return out;
}

}  // namespace

void discard_message_files(MsmiContext& ctx, std::uint32_t number) {
  // Absent files are fine: the message may already have been partly cleaned up.
  for (const std::string& path : {p1_path(number), mai_path(number)}) {
    const Status s = ctx.env.fs.remove_file(path);
    if (!s.is_not_found()) ctx.check(s, -1, "", "removing " + path);
  }
}

std::string quarantine_message(MsmiContext& ctx, int thread, const std::string& message_id,
                               std::uint32_t number, const std::string& why) {
  FileSystem& fs = ctx.env.fs;
  const std::string dir(kQuarantineDir);
  ctx.check(fs.make_dirs(dir), thread, message_id, "making " + dir);
  std::string where = dir + "/" + hex8(number) + ".*";
  for (const std::string& path : {p1_path(number), mai_path(number)}) {
    if (!fs.exists(path)) continue;
    const std::string target = dir + "/" + path.substr(path.rfind('/') + 1);
    // A file that cannot be moved stays where it is: quarantine never deletes anything.
    const Status moved = fs.rename_file(path, target);
    if (!moved.ok())
      where += " (" + path + " could not be moved and was left in place: " + moved.message() + ")";
  }
  ctx.logger.log(event_id::kMessageQuarantined, thread, message_id, {message_id, why, where});
  ctx.env.observer.on_settled(message_id, Fate::kQuarantined, why);
  return where;
}

std::string move_file_aside(MsmiContext& ctx, int thread, const std::string& path,
                            const std::string& what_is_wrong, const std::string& message_id) {
  FileSystem& fs = ctx.env.fs;
  ctx.check(fs.make_dirs("BAD"), thread, message_id, "making BAD");
  const std::string target = "BAD/" + flat_name(path) + "." + std::to_string(ctx.now());
  const bool moved = fs.rename_file(path, target).ok();
  ctx.logger.log(event_id::kFileMovedAside, thread, message_id,
                 {path, what_is_wrong, moved ? target : "(nowhere: it could not be moved)"});
  return moved ? target : std::string();
}

}  // namespace msmi
