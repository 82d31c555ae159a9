// The busy hardened connector the benchmarks simulate: 10 messages/s (5 each way, jittered) to
// two postoffices for `hours` of virtual time, with faults armed (1% of puts refused with 0x16,
// 0.1% of P1 reads failing with EIO), at the given logging level ("minimum", "medium" …).
// busy_scenario_mix sets how often each way sends: issue 9 states its target for 8 inbound and 2
// outbound messages/s ("125ms", "500ms"), where INQUEUE3 runs deeper.
#pragma once

#include <string>

namespace bench {

inline std::string busy_scenario_mix(int hours, const std::string& logging,
                                     const std::string& inbound_every,
                                     const std::string& outbound_every) {
  return R"json({
    "name": "busy-hardened", "profile": "hardened", "seed": 24, "duration": ")json" +
         std::to_string(hours) + R"json(h",
    "description": "A busy hardened connector, faults armed.",
    "engine": { "cpus": 2, "logging": ")json" +
         logging + R"json(" },
    "postoffice": { "postoffices": ["MSNET/SALES", "MSNET/OPS"], "pcmta_interval": "10s",
                    "pcmta_batch": 200 },
    "traffic": [
      { "direction": "inbound", "from": ["MS:MSNET/SALES/ALICE", "MS:MSNET/OPS/CAROL"],
        "to": ["MS:EXCHANGE/HQ/BOB"], "subject": "In", "every": ")json" +
         inbound_every + R"json(", "jitter": 0.5 },
      { "direction": "outbound", "from": ["MS:EXCHANGE/HQ/BOB"],
        "to": ["MS:MSNET/SALES/ALICE", "MS:MSNET/OPS/CAROL"], "subject": "Out", "every": ")json" +
         outbound_every + R"json(", "jitter": 0.5 }
    ],
    "faults": [
      { "rule": "mta.put[msgkind=ipm]=1%return(0x16)" },
      { "rule": "disk.read[kind=P1]=0.1%error(EIO)" }
    ]
  })json";
}

inline std::string busy_scenario(int hours, const std::string& logging) {
  return busy_scenario_mix(hours, logging, "200ms", "200ms");
}

}  // namespace bench
