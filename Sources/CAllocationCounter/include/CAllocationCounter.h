#ifndef C_ALLOCATION_COUNTER_H
#define C_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Starts counting heap allocations made by any thread of this process.
void greenroom_allocations_start(void);
/// Stops counting and returns the number of allocations since the matching start.
uint64_t greenroom_allocations_stop(void);
/// 1 when this build can count allocations (glibc), 0 otherwise.
int greenroom_allocations_supported(void);

#endif
