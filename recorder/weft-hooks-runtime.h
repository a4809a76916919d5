/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-hooks-runtime.h: the few entry points of libweft that only the
 * hooks library (libweft-hooks.so, LD_PRELOADed by `weft record`) uses:
 * events the public API has no call for, and what the hooks must know
 * about the runtime to stay out of its way. Exported from the shared
 * libweft (one runtime per process); not installed, not public API.
 */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The name of libweft's drain thread, the recorder's work rather than
 * the program's: `weft record` leaves threads of this name out. */
#define WEFT_RUNTIME_THREAD_NAME "weft-drain"

/* Whether this process records (WEFT_TRACE was set and set-up worked). */
int weft_hook_enabled (void);

/* The calling thread waits on cond (releasing mutex) … */
void weft_hook_cond_wait (const void *cond, const void *mutex);
/* … and was woken (or timed out) and holds mutex again. */
void weft_hook_cond_woken (const void *cond);

/* Whether lock is one of libweft's own (its waits are not the program's). */
int weft_hook_is_internal (const void *lock);

/* Whether code (a start routine, a return address) is libweft's. */
int weft_hook_is_runtime_code (const void *code);

#ifdef __cplusplus
}
#endif
