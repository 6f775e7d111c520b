/* skiff_maglev_slots: one flat array of backend ids holding every frontend's
 * Maglev lookup table back to back; a frontend owns [slot_offset,
 * slot_offset + slot_count). User space builds the tables and writes them
 * through a memory mapping; a table is replaced by writing a fresh range and
 * then repointing the service entry, so packets never see a half-built table. */
#pragma once
#include "abi.h"

#define SKIFF_MAGLEV_SLOTS_DEFAULT (1u << 24)

typedef __u32 skiff_maglev_slot; /* backend id */
SKIFF_ABI_ASSERT(sizeof(skiff_maglev_slot) == 4, "skiff_maglev_slot layout");
