/* Shared ground for every Skiff BPF object: kernel types, libbpf helpers and
 * the few protocol constants vmlinux.h does not carry (they are #defines in
 * the uapi headers). */
#pragma once

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "skiff/bpf/abi.h"

#define SKIFF_ETH_P_IP 0x0800
#define SKIFF_ETH_ALEN 6
#define SKIFF_IP_MF 0x2000
#define SKIFF_IP_OFFMASK 0x1fff
#define SKIFF_IP_DF 0x4000
#define SKIFF_PROTO_ICMP 1

#define SKIFF_TCP_FIN 0x01
#define SKIFF_TCP_SYN 0x02
#define SKIFF_TCP_RST 0x04
#define SKIFF_TCP_ACK 0x10

#define SKIFF_ICMP_DEST_UNREACH 3
#define SKIFF_ICMP_PORT_UNREACH 3

#define SKIFF_TC_ACT_OK 0
#define SKIFF_TC_ACT_SHOT 2
#define SKIFF_ECONNREFUSED 111

#define SKIFF_NSEC_PER_SEC 1000000000ull

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
