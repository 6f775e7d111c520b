#include "skiff/dns/protocol.h"

namespace skiff::dns {

std::string_view rcode_name(Rcode r) {
  switch (r) {
    case Rcode::NoError: return "NOERROR";
    case Rcode::FormErr: return "FORMERR";
    case Rcode::ServFail: return "SERVFAIL";
    case Rcode::NxDomain: return "NXDOMAIN";
    case Rcode::NotImp: return "NOTIMP";
    case Rcode::Refused: return "REFUSED";
    case Rcode::BadVers: return "BADVERS";
  }
  return "other";
}

std::string_view type_name(uint16_t t) {
  switch (t) {
    case rrtype::A: return "A";
    case rrtype::NS: return "NS";
    case rrtype::CNAME: return "CNAME";
    case rrtype::SOA: return "SOA";
    case rrtype::PTR: return "PTR";
    case rrtype::HINFO: return "HINFO";
    case rrtype::MX: return "MX";
    case rrtype::TXT: return "TXT";
    case rrtype::AAAA: return "AAAA";
    case rrtype::SRV: return "SRV";
    case rrtype::ANY: return "ANY";
    case rrtype::AXFR: return "AXFR";
    case rrtype::IXFR: return "IXFR";
    default: return "other";
  }
}

}  // namespace skiff::dns
