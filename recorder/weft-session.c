/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-session.c: the runtime's life in standalone mode (WEFT_TRACE=path):
 * set-up at load, the drain thread, weft_flush(), fork and exit.
 *
 * Processes started from a recorded one (fork, or exec of another program
 * linked with libweft) append to the same file: a forked child inherits
 * the descriptor (O_APPEND, one writev per chunk, so chunks never mix);
 * an exec'd program finds WEFT_TRACE_APPEND=dev:ino naming the file that
 * is being written and appends instead of truncating it.
 *
 * Under `weft record` (WEFT_SESSION set) the pool is shared with the
 * recorder instead (weft-session-shared.c): no file, no drain thread. If
 * the session cannot be reached, WEFT_TRACE (which weft record sets too)
 * is used as in standalone mode.
 */
#define _GNU_SOURCE
#include "weft-runtime-private.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "weft-chunk.h"
#include "weft-hooks-runtime.h"
#include "weft.h"

#define DEFAULT_CAP (1ull << 30)
#define CLOCK_PERIOD_NS 100000000ull /* a sync pair every 100 ms while events flow */
#define CLOCK_IDLE_NS 1000000000ull  /* and every second anyway */
#define RESERVE_BLOCKS 4             /* free blocks kept faulted in */

WeftRuntime _weft_rt = { .fd = -1, .session_fd = -1 };

uint32_t
_weft_gettid (void)
{
  return (uint32_t) syscall (SYS_gettid);
}

static void
warn (const char *what, int err)
{
  fprintf (stderr, "weft: %s: %s%s%s\n", _weft_rt.path != NULL ? _weft_rt.path : "WEFT_TRACE", what,
           err != 0 ? ": " : "", err != 0 ? strerror (err) : "");
}

/* "64M", "1G", "512k", "1048576": bytes; 0 when malformed. */
static uint64_t
parse_size (const char *s)
{
  char *end;
  unsigned long long v;
  int unit = 1;

  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno != 0 || end == s || *s == '-' || v > (1ull << 40))
    return 0;

  switch (*end)
    {
    case 'k':
    case 'K':
      v <<= 10;
      break;
    case 'm':
    case 'M':
      v <<= 20;
      break;
    case 'g':
    case 'G':
      v <<= 30;
      break;
    default:
      unit = 0;
      break;
    }
  end += unit;
  if (unit && *end == 'i' && (end[1] == 'B' || end[1] == 'b'))
    end += 2;
  else if (*end == 'B' || *end == 'b')
    end++;
  return *end == '\0' ? v : 0;
}

/* --- drain lock and thread --- */

void
_weft_session_lock_drain (void)
{
  pthread_mutex_lock (&_weft_rt.drain_lock);
  __atomic_store_n (&_weft_rt.drain_owner, _weft_gettid (), __ATOMIC_RELAXED);
}

void
_weft_session_unlock_drain (void)
{
  __atomic_store_n (&_weft_rt.drain_owner, 0, __ATOMIC_RELAXED);
  pthread_mutex_unlock (&_weft_rt.drain_lock);
}

static void *
drain_main (void *data)
{
  uint32_t seen = __atomic_load_n (&_weft_rt.pool->wake, __ATOMIC_ACQUIRE);
  uint64_t last_clock = _weft_clock_monotonic_ns ();
  uint64_t written = 0;

  /* Told apart from the program's threads by this name (weft record
   * leaves it out; the hooks do not record it). */
  pthread_setname_np (pthread_self (), WEFT_RUNTIME_THREAD_NAME);
  for (;;)
    {
      uint64_t now;

      _weft_pool_reserve (_weft_rt.pool, RESERVE_BLOCKS);
      _weft_pool_wait (_weft_rt.pool, &seen, 100);
      _weft_session_lock_drain ();
      if (_weft_rt.exiting)
        {
          _weft_session_unlock_drain ();
          break;
        }
      written += _weft_drainer_pass (&_weft_rt.drainer, WEFT_DRAIN_FULL);
      now = _weft_clock_monotonic_ns ();
      if ((written > 0 && now - last_clock >= CLOCK_PERIOD_NS) || now - last_clock >= CLOCK_IDLE_NS)
        {
          _weft_drainer_write_clock (&_weft_rt.drainer);
          last_clock = now;
          written = 0;
        }
      _weft_session_unlock_drain ();
    }
  return NULL;
}

/* Starts the drain thread, with every signal blocked so that it never runs
 * the program's handlers. */
static void
start_drain_thread (void)
{
  int expected = 0;
  sigset_t all, old;
  pthread_t thread;
  pthread_attr_t attr;

  if (!__atomic_compare_exchange_n (&_weft_rt.drain_thread, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
    return;
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pthread_attr_init (&attr);
  pthread_attr_setdetachstate (&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize (&attr, 64 * 1024);
  if (pthread_create (&thread, &attr, drain_main, NULL) != 0)
    __atomic_store_n (&_weft_rt.drain_thread, -1, __ATOMIC_RELEASE);
  pthread_attr_destroy (&attr);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
}

/* A block filled. A forked child starts its drain thread now (not in the
 * atfork handler); without one, the filling thread drains. */
void
_weft_session_block_filled (void)
{
  int state = __atomic_load_n (&_weft_rt.drain_thread, __ATOMIC_ACQUIRE);

  /* weft record drains on its own clock: only the count moves. */
  if (_weft_rt.shared)
    state = 1;
  else if (state == 0)
    {
      start_drain_thread ();
      state = __atomic_load_n (&_weft_rt.drain_thread, __ATOMIC_ACQUIRE);
    }
  if (state > 0)
    _weft_pool_notify (_weft_rt.pool);
  else if (pthread_mutex_trylock (&_weft_rt.drain_lock) == 0)
    {
      _weft_drainer_pass (&_weft_rt.drainer, WEFT_DRAIN_FULL);
      pthread_mutex_unlock (&_weft_rt.drain_lock);
    }
}

WEFT_PUBLIC void
weft_flush (void)
{
  /* Shared: what is written is weft record's already. */
  if (!_weft_rt.enabled || _weft_rt.shared)
    return;
  _weft_session_lock_drain ();
  _weft_drainer_pass (&_weft_rt.drainer, WEFT_DRAIN_FLUSH);
  _weft_drainer_write_clock (&_weft_rt.drainer);
  _weft_session_unlock_drain ();
}

/* --- exit --- */

/* Runs from atexit and again from the library destructor (events recorded
 * by other atexit handlers and destructors in between are caught too). */
static void
session_finish (void)
{
  static int reported;

  /* Shared: weft record drains the rest when the connection closes. */
  if (!_weft_rt.enabled || _weft_rt.shared)
    return;
  /* exit() called from a handler that interrupted our own drain. */
  if (__atomic_load_n (&_weft_rt.drain_owner, __ATOMIC_RELAXED) == _weft_gettid ())
    return;
  _weft_session_lock_drain ();
  _weft_rt.exiting = 1;
  _weft_drainer_pass (&_weft_rt.drainer, WEFT_DRAIN_FINAL);
  _weft_drainer_write_clock (&_weft_rt.drainer);
  if (_weft_rt.drainer.error != 0 && !reported)
    {
      reported = 1;
      warn ("writing the trace failed", _weft_rt.drainer.error);
    }
  _weft_session_unlock_drain ();
  _weft_pool_notify (_weft_rt.pool);
}

__attribute__ ((destructor)) static void
session_destructor (void)
{
  session_finish ();
}

/* --- fork --- */

static void
after_fork_child (void)
{
  if (!_weft_rt.enabled)
    return;
  _weft_rt.pid = (uint32_t) getpid ();
  pthread_mutex_init (&_weft_rt.drain_lock, NULL);
  _weft_rt.drain_owner = 0;
  _weft_rt.drain_thread = 0;
  _weft_rt.exiting = 0;
  _weft_rt.process_named = 0;
  _weft_threads_after_fork ();
  if (_weft_rt.shared)
    {
      if (_weft_session_shared_after_fork () < 0)
        {
          /* Nowhere to record: this child records nothing. */
          _weft_rt.enabled = 0;
          if ((uintptr_t) _weft_tls >= WEFT_TLS_SPECIAL)
            _weft_tls = NULL;
        }
      return;
    }
  _weft_pool_reset (_weft_rt.pool, _weft_rt.region_size, _weft_rt.pid, _weft_rt.clock);
  _weft_rt.drainer.chunks = 0;
  _weft_rt.drainer.bytes = 0;
  _weft_rt.drainer.error = 0;
}

/* --- set-up --- */

/* WEFT_TRACE_APPEND=dev:ino[:generation] names the file an ancestor (or
 * `weft record`, which leaves out the generation) is writing; generation
 * counts execs, which keep the pid, so that stream ids stay unique. */
static int
open_trace (const char *path, int *appending)
{
  const char *append = getenv ("WEFT_TRACE_APPEND");
  unsigned long long dev = 0, ino = 0;
  unsigned gen = 0;
  struct stat st;
  char value[96];
  int fd = -1;

  *appending = 0;
  if (append != NULL && sscanf (append, "%llu:%llu:%u", &dev, &ino, &gen) >= 2
      && (fd = open (path, O_WRONLY | O_APPEND | O_CLOEXEC)) >= 0)
    {
      if (fstat (fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
        {
          *appending = 1;
          _weft_rt.generation = gen;
        }
      else
        close (fd);
    }
  if (!*appending)
    {
      fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0666);
      if (fd < 0 || fstat (fd, &st) != 0)
        return fd;
    }
  snprintf (value, sizeof value, "%llu:%llu:%u", (unsigned long long) st.st_dev,
            (unsigned long long) st.st_ino, _weft_rt.generation + 1);
  setenv ("WEFT_TRACE_APPEND", value, 1);
  return fd;
}

static int
write_preamble (int fd)
{
  static uint8_t meta[8192];
  WeftFileHeader header;
  size_t n;

  weft_file_header_init (&header);
  if (write (fd, &header, sizeof header) != (ssize_t) sizeof header)
    return -1;
  n = _weft_metadata_build (meta, sizeof meta, _weft_rt.comm);
  return weft_chunk_write (fd, WEFT_CHUNK_METADATA, meta, n, NULL, 0);
}

static void
read_comm (void)
{
  int fd = open ("/proc/self/comm", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, _weft_rt.comm, sizeof _weft_rt.comm - 1) : -1;

  if (fd >= 0)
    close (fd);
  if (n < 0)
    n = 0;
  while (n > 0 && _weft_rt.comm[n - 1] == '\n')
    n--;
  _weft_rt.comm[n] = '\0';
}

/* Under weft record: WEFT_SESSION_GEN counts execs as WEFT_TRACE_APPEND
 * does in a file; 0 when the session cannot be used. */
static int
start_shared (const char *session, uint64_t cap)
{
  const char *gen = getenv ("WEFT_SESSION_GEN");
  char value[16];

  if (_weft_session_shared_set_address (session) < 0)
    return 0;
  _weft_rt.generation = gen != NULL ? (uint32_t) strtoul (gen, NULL, 10) : 0;
  if (_weft_session_shared_start (cap) < 0)
    return 0;
  snprintf (value, sizeof value, "%u", _weft_rt.generation + 1);
  setenv ("WEFT_SESSION_GEN", value, 1);
  return 1;
}

/* Standalone: the private pool, the file and its drainer; 0 on failure
 * (said on stderr unless the recording this belonged to is over). */
static int
start_standalone (const char *path, uint64_t cap)
{
  int appending;

  _weft_rt.pool = _weft_pool_create (cap, _weft_rt.pid, _weft_rt.clock);
  if (_weft_rt.pool == NULL)
    {
      warn ("cannot reserve the trace buffer", errno);
      return 0;
    }
  _weft_rt.region_size = _weft_rt.pool->region_size;
  _weft_rt.fd = open_trace (path, &appending);
  if (_weft_rt.fd < 0 || (!appending && write_preamble (_weft_rt.fd) < 0)
      || _weft_drainer_init (&_weft_rt.drainer, _weft_rt.pool, _weft_rt.fd) < 0)
    {
      /* Started after the recording it belonged to ended (a straggler
       * exec'd once `weft record` had removed its directory): nothing to
       * record into, and nothing the user should be told about. */
      if (_weft_rt.fd < 0 && errno == ENOENT && getenv ("WEFT_TRACE_APPEND") != NULL)
        return 0;
      warn (_weft_rt.fd < 0 ? "cannot create the trace" : "cannot write the trace", errno);
      if (_weft_rt.fd >= 0)
        close (_weft_rt.fd);
      return 0;
    }
  _weft_drainer_write_clock (&_weft_rt.drainer);
  return 1;
}

__attribute__ ((constructor)) static void
session_init (void)
{
  const char *path = getenv ("WEFT_TRACE");
  const char *session = getenv ("WEFT_SESSION");
  const char *cap_env = getenv ("WEFT_BUFFER_CAP");
  uint64_t cap = DEFAULT_CAP;

  if (path != NULL && *path == '\0')
    path = NULL;
  if (session != NULL && *session == '\0')
    session = NULL;
  if (path == NULL && session == NULL)
    return;
  _weft_rt.path = path;
  if (cap_env != NULL && *cap_env != '\0')
    {
      cap = parse_size (cap_env);
      if (cap < WEFT_POOL_CAP_MIN)
        {
          fprintf (stderr, "weft: WEFT_BUFFER_CAP: '%s' is not a size of at least 128K; using 1G\n",
                   cap_env);
          cap = DEFAULT_CAP;
        }
    }
  _weft_rt.pid = (uint32_t) getpid ();
  _weft_rt.clock = _weft_clock_detect ();
  read_comm ();
  if (!(session != NULL && start_shared (session, cap))
      && (path == NULL || !start_standalone (path, cap)))
    return;
  pthread_mutex_init (&_weft_rt.threads_lock, NULL);
  pthread_mutex_init (&_weft_rt.drain_lock, NULL);
  if (pthread_key_create (&_weft_rt.key, _weft_thread_exit) != 0
      || pthread_atfork (NULL, NULL, after_fork_child) != 0)
    {
      warn ("cannot set up recording", errno);
      return;
    }
  atexit (session_finish);
  _weft_rt.enabled = 1;
  if (!_weft_rt.shared)
    start_drain_thread ();
}
