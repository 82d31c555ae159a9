// Fuzz targets for the shadow postoffice's files: P1, MAI, NETWORK.GLB, mailbag records and the
// KEY/MBG pair itself.
#include <string>
#include <vector>

#include "fuzz_targets.h"
#include "msmi/mailbag.h"
#include "msmi/message_files.h"
#include "msmi/network_directory.h"
#include "msmi/queue_payloads.h"
#include "msmisim/memory_file_system.h"

namespace fuzz {

void p1(std::string_view data) {
  msmi::P1Envelope envelope;
  if (msmi::decode_p1(data, "P1/0000002A.P1", &envelope).ok()) {
    // What decodes must encode and decode again (the engine rewrites envelopes it read).
    msmi::P1Envelope again;
    (void)msmi::decode_p1(msmi::encode_p1(envelope), "P1/0000002A.P1", &again);
    (void)envelope.recipients();
    (void)envelope.recipient_names();
  }
  std::uint32_t number = 0;
  (void)msmi::parse_p1_name(data, &number);
}

void mai(std::string_view data) {
  msmi::MaiContent content;
  if (msmi::decode_mai(data, "MAI/MAA/0000002A.MAI", &content).ok()) {
    msmi::MaiContent again;
    (void)msmi::decode_mai(msmi::encode_mai(content), "MAI/MAA/0000002A.MAI", &again);
  }
}

void network_glb(std::string_view data) {
  msmi::NetworkDirectory directory;
  if (msmi::decode_network_glb(data, msmi::kNetworkGlbPath, &directory).ok()) {
    for (const msmi::PostofficeName& po : directory.postoffices)
      (void)directory.knows(po.network, po.postoffice);
    msmi::NetworkDirectory again;
    (void)msmi::decode_network_glb(msmi::encode_network_glb(directory), msmi::kNetworkGlbPath,
                                   &again);
  }
}

void queue_records(std::string_view data) {
  msmi::InqueueRecord inbound;
  if (msmi::decode_inqueue_record(data, "INQUEUE3", &inbound).ok())
    (void)msmi::encode_inqueue_record(inbound);
  msmi::OutboundRecord outbound;
  if (msmi::decode_outbound_record(data, "OUTBOUND", &outbound).ok())
    (void)msmi::encode_outbound_record(outbound);
}

// The pair is put where the engine finds a mailbag, loaded, then changed the ways the engine and
// the MS Mail side change one, so that the writing paths meet whatever the reading accepted.
void mailbag(std::string_view data) {
  std::string_view key;
  std::string_view mbg;
  split_mailbag(data, &key, &mbg);
  msmisim::MemoryFileSystem fs;
  msmi::Mailbag bag(fs, "INQUEUE3");
  if (!fs.make_dirs("KEY").ok() || !fs.make_dirs("MBG").ok()) return;
  if (!fs.write_file(bag.key_path(), key).ok() || !fs.write_file(bag.mbg_path(), mbg).ok()) return;
  std::vector<msmi::MailbagEntry> entries;
  if (!bag.load(&entries).ok()) return;
  std::uint32_t seq = 0;
  (void)bag.append("fuzz", &seq);
  if (!entries.empty()) {
    const msmi::MailbagEntry first = entries.front();
    (void)bag.update(first.seq, msmi::MailbagState::kInProgress, 1);
    (void)bag.remove(first.seq, &first.payload);
  }
  (void)bag.load(&entries);
}

}  // namespace fuzz
