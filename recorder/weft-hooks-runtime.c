/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-hooks-runtime.c: libweft's side of the hooks library. The events
 * go through the runtime's slow path, as the public calls with copied
 * names do: a handler interrupting an event on its thread counts as lost.
 */
#define _GNU_SOURCE
#include "weft-hooks-runtime.h"

#include <dlfcn.h>

#include "weft-runtime-private.h"

/* The ELF header of this object (linker-defined). */
extern const char __ehdr_start __attribute__ ((visibility ("hidden")));

static void
hook_event (const WeftEv *ev)
{
  WeftThread *th = _weft_tls;

  if ((uintptr_t) th >= WEFT_TLS_SPECIAL)
    {
      if (th->busy)
        {
          _weft_nested (th);
          return;
        }
      th->busy = 1;
      __atomic_signal_fence (__ATOMIC_SEQ_CST);
    }
  _weft_slow (th, ev);
}

WEFT_PUBLIC int
weft_hook_enabled (void)
{
  return _weft_rt.enabled;
}

WEFT_PUBLIC void
weft_hook_cond_wait (const void *cond, const void *mutex)
{
  hook_event (&(WeftEv) { .kind = WEFT_EV_COND_WAIT, .n_ids = 2, .a = (uintptr_t) cond,
                          .b = (uintptr_t) mutex });
}

WEFT_PUBLIC void
weft_hook_cond_woken (const void *cond)
{
  hook_event (&(WeftEv) { .kind = WEFT_EV_COND_WOKEN, .n_ids = 1, .a = (uintptr_t) cond });
}

WEFT_PUBLIC int
weft_hook_is_internal (const void *lock)
{
  const char *p = lock;

  return p >= (const char *) &_weft_rt && p < (const char *) (&_weft_rt + 1);
}

WEFT_PUBLIC int
weft_hook_is_runtime_code (const void *code)
{
  Dl_info info;

  return dladdr (code, &info) != 0 && info.dli_fbase == (const void *) &__ehdr_start;
}
