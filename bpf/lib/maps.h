/* Every map of the data plane, defined once. All are pinned by name so the
 * XDP, tc and sock objects share them through the pin root, and an agent
 * restart finds its flows again. Layouts live in include/skiff/bpf/. */
#pragma once
#include "common.h"
#include "skiff/bpf/affinity_map.h"
#include "skiff/bpf/backend_map.h"
#include "skiff/bpf/conntrack_map.h"
#include "skiff/bpf/maglev_map.h"
#include "skiff/bpf/service_map.h"
#include "skiff/bpf/sock_revnat_map.h"
#include "skiff/bpf/stats_map.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SKIFF_SERVICES_MAX);
	__type(key, struct skiff_service_key);
	__type(value, struct skiff_service);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SKIFF_BACKENDS_MAX);
	__type(key, __u32);
	__type(value, struct skiff_backend);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_backends SEC(".maps");

/* Sized by user space (bpf_map__set_max_entries) before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SKIFF_MAGLEV_ENTRIES(SKIFF_MAGLEV_SLOTS_DEFAULT));
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct skiff_maglev_group);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_maglev_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SKIFF_CONNTRACK_MAX);
	__type(key, struct skiff_ct_key);
	__type(value, struct skiff_ct_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_conntrack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SKIFF_AFFINITY_MAX);
	__type(key, struct skiff_affinity_key);
	__type(value, struct skiff_affinity);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_affinity SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SKIFF_SOCK_REVNAT_MAX);
	__type(key, struct skiff_sock_revnat_key);
	__type(value, struct skiff_sock_revnat);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_sock_revnat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SKIFF_SERVICES_MAX);
	__type(key, __u32);
	__type(value, struct skiff_service_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_service_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SKIFF_EV_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} skiff_events SEC(".maps");
