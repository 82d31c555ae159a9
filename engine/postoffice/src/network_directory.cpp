#include "msmi/network_directory.h"

#include "msmi/address.h"
#include "msmi/text_record.h"

namespace msmi {
namespace {
constexpr std::string_view kGlbMagic = "MSMI-GLB";
}

bool NetworkDirectory::knows(std::string_view network, std::string_view postoffice) const {
  for (const PostofficeName& po : postoffices) {
    if (po.network == network && po.postoffice == postoffice) return true;
  }
  return false;
}

bool parse_postoffice_name(std::string_view text, PostofficeName* out, std::string* reason) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || text.find('/', slash + 1) != std::string_view::npos) {
    *reason = "expected NETWORK/POSTOFFICE (two names and one '/')";
    return false;
  }
  // The MS: address rules apply to both names; a mailbox that is certainly valid completes
  // the triple, so any complaint is about the network or the postoffice.
  const AddressParseResult parsed = parse_address("MS:" + std::string(text) + "/MAILBOX");
  if (!parsed.ok) {
    *reason = parsed.reason;
    return false;
  }
  *out = {parsed.address.network, parsed.address.postoffice};
  return true;
}

std::string encode_network_glb(const NetworkDirectory& directory) {
  TextRecord record;
  for (const PostofficeName& po : directory.postoffices) {
    record.add("postoffice", po.network + "/" + po.postoffice);
  }
  return encode_text_record(kGlbMagic, record);
}

Status decode_network_glb(std::string_view data, std::string_view path, NetworkDirectory* out) {
  TextRecord record;
  Status s = decode_text_record(kGlbMagic, data, path, &record);
  if (!s.ok()) return s;
  NetworkDirectory directory;
  for (const std::string& entry : record.get_all("postoffice")) {
    // Reuse the MS: address rules for the two names: a dummy mailbox completes the triple.
    const AddressParseResult parsed = parse_address("MS:" + entry + "/X");
    if (!parsed.ok) {
      return Status::Corruption(std::string(path) + ": postoffice '" + entry +
                                "': " + parsed.reason);
    }
    directory.postoffices.push_back({parsed.address.network, parsed.address.postoffice});
  }
  *out = std::move(directory);
  return Status::Ok();
}

}  // namespace msmi
