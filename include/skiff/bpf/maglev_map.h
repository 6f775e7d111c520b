/* skiff_maglev_slots: every frontend's Maglev lookup table back to back in one
 * array of backend ids; a frontend owns slots [slot_offset, slot_offset +
 * slot_count). User space builds the tables and writes them through a memory
 * mapping; a table is replaced by writing a fresh range and then repointing
 * the service entry, so packets never see a half-built table.
 *
 * The kernel lays array elements out at a stride of at least 8 bytes, so a
 * 4-byte element would leave every other word of the mapping unused and
 * misplace user space's writes. One element therefore holds a group of 16
 * slots: the mapping is then exactly a flat array of ids, and slot s lives in
 * element s / 16 at index s % 16. */
#pragma once
#include "abi.h"

#define SKIFF_MAGLEV_GROUP 16u
#define SKIFF_MAGLEV_SLOTS_DEFAULT (1u << 24)

struct skiff_maglev_group {
	__u32 backend_id[SKIFF_MAGLEV_GROUP];
};
SKIFF_ABI_ASSERT(sizeof(struct skiff_maglev_group) == 64, "skiff_maglev_group layout");

/* Map elements needed for `slots` slots. */
#define SKIFF_MAGLEV_ENTRIES(slots) (((slots) + SKIFF_MAGLEV_GROUP - 1) / SKIFF_MAGLEV_GROUP)
