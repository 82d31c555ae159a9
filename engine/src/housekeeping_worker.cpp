#include "housekeeping_worker.h"

#include <set>

#include "msmi/event_catalogue.h"
#include "msmi/message_files.h"
#include "msmi/queue_payloads.h"

namespace msmi {

StepResult HousekeepingWorker::step() {
  const std::int64_t now = ctx_.now();
  const std::int64_t interval = ctx_.settings.refresh_interval_us;
  if (thread_ != 1 || !running_ || first_step_) {
    first_step_ = false;
    return {0, now + interval};
  }
  std::int64_t busy = ctx_.cost(ctx_.settings.cost_refresh_us);
  const SiteVerdict verdict =
      ctx_.site({Site::kHousekeepingRefresh, thread_, "", "", {}, "", 0, "", "", ""});
  if (verdict.kind == SiteVerdict::Kind::kHang) {
    ctx_.hang_requests.push_back(thread_);
    return {busy, now + interval};
  }
  if (verdict.kind != SiteVerdict::Kind::kNone) return {busy, now + interval};  // refresh skipped
  std::string problem;
  bool missing = false;
  // A GLB that cannot be read now leaves the routing read at the last refresh in force.
  if (!load_directory(ctx_, &problem, &missing)) problem.clear();
  if (ctx_.settings.protections.recover_orphans)
    busy += recover_orphans(ctx_, thread_) * ctx_.cost(ctx_.settings.cost_queue_scan_us);
  return {busy, now + interval};
}

bool HousekeepingWorker::load_directory(MsmiContext& ctx, std::string* problem, bool* missing) {
  std::string data;
  Status s = ctx.env.fs.read_file(std::string(kNetworkGlbPath), &data);
  *missing = s.is_not_found();
  NetworkDirectory directory;
  if (s.ok()) s = decode_network_glb(data, kNetworkGlbPath, &directory);
  if (!s.ok()) {
    *problem = s.to_string();
    return false;
  }
  ctx.directory = std::move(directory);
  return true;
}

int HousekeepingWorker::recover_orphans(MsmiContext& ctx, int thread) {
  std::vector<MailbagEntry> entries;
  if (!ctx.inqueue.load(&entries).ok()) return 0;
  std::set<std::uint32_t> queued;
  for (const MailbagEntry& entry : entries) {
    InqueueRecord record;
    if (decode_inqueue_record(entry.payload, ctx.inqueue.mbg_path(), &record).ok()) {
      queued.insert(record.number);
    }
  }
  std::vector<std::string> names;
  if (!ctx.env.fs.list_dir("P1", &names).ok()) return 0;
  int recovered = 0;
  for (const std::string& name : names) {
    std::uint32_t number = 0;
    if (!parse_p1_name(name, &number) || queued.count(number) != 0) continue;
    std::string data;
    P1Envelope envelope;
    const std::string path = p1_path(number);
    if (!ctx.env.fs.read_file(path, &data).ok() || !decode_p1(data, path, &envelope).ok()) {
      continue;  // a damaged envelope is the Mailer's to move aside when it meets it
    }
    if (!ctx.inqueue.append(encode_inqueue_record({envelope.message_id, number}), nullptr).ok())
      break;
    ctx.logger.log(event_id::kOrphanRecovered, thread, envelope.message_id,
                   {path, envelope.message_id});
    ++recovered;
  }
  return recovered;
}

}  // namespace msmi
