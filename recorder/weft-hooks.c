/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-hooks.c: libweft-hooks.so, LD_PRELOADed by `weft record` into the
 * command and everything it starts. libc + pthreads + the shared libweft
 * (one runtime per process).
 *
 * - pthread mutexes: a wait is recorded only when the lock is contended:
 *   trylock first, and only when that fails LOCK_WAIT, the real lock,
 *   LOCK_ACQUIRED. The uncontended path costs one trylock instead of one
 *   lock.
 * - pthread_cond_wait/timedwait/clockwait: COND_WAIT … COND_WOKEN (this is
 *   where CPython's GIL waits).
 * - exec*, posix_spawn*: the environment that keeps the new program
 *   traced (LD_PRELOAD, WEFT_TRACE, …) is put back if the caller dropped
 *   it, and what was recorded is flushed first (exec discards it).
 * - threads and names (only without perf, WEFT_HOOKS_THREADS=1: with perf
 *   the recorder sees them itself): a new thread's stream starts when the
 *   thread does, names set with pthread_setname_np or prctl are recorded.
 *
 * Safe anywhere: a thread-local flag sends calls made while a hook is
 * recording straight to libc (no recursion); libweft's own locks and
 * threads are left alone; nothing here allocates except pthread_create's
 * small trampoline record; a vfork child (it shares its parent's memory)
 * touches no state.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "weft-hooks-runtime.h"
#include "weft.h"

#define HOOK __attribute__ ((visibility ("default")))

static __thread int in_hook __attribute__ ((tls_model ("initial-exec")));

static int ready;         /* the constructor ran */
static int recording;     /* libweft records in this process */
static int threads_mode;  /* WEFT_HOOKS_THREADS: record threads and names */
static pid_t hooks_pid;   /* differs from getpid () in a vfork child */

/* "KEY=value" of the variables that keep a child traced, from startup. */
#define N_KEEP 7
static const char *const keep_keys[N_KEEP] = {
  "WEFT_SESSION",    "WEFT_SESSION_GEN",   "WEFT_TRACE", "WEFT_TRACE_APPEND",
  "WEFT_BUFFER_CAP", "WEFT_HOOKS_THREADS", "LD_PRELOAD",
};
static const char *keep_entries[N_KEEP];
static const char *own_path; /* this library, as LD_PRELOAD named it */

typedef int (*MutexFn) (pthread_mutex_t *);
typedef int (*MutexTimedFn) (pthread_mutex_t *, const struct timespec *);
typedef int (*MutexClockFn) (pthread_mutex_t *, clockid_t, const struct timespec *);
typedef int (*CondWaitFn) (pthread_cond_t *, pthread_mutex_t *);
typedef int (*CondTimedFn) (pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
typedef int (*CondClockFn) (pthread_cond_t *, pthread_mutex_t *, clockid_t,
                            const struct timespec *);
typedef int (*CreateFn) (pthread_t *, const pthread_attr_t *, void *(*) (void *), void *);
typedef int (*SetnameFn) (pthread_t, const char *);
typedef int (*PrctlFn) (int, unsigned long, unsigned long, unsigned long, unsigned long);
typedef int (*ExecveFn) (const char *, char *const[], char *const[]);
typedef int (*ExecveatFn) (int, const char *, char *const[], char *const[], int);
typedef int (*FexecveFn) (int, char *const[], char *const[]);
typedef int (*ExecvpeFn) (const char *, char *const[], char *const[]);
typedef int (*SpawnFn) (pid_t *, const char *, const posix_spawn_file_actions_t *,
                        const posix_spawnattr_t *, char *const[], char *const[]);

static struct
{
  MutexFn mutex_lock, mutex_trylock;
  MutexTimedFn mutex_timedlock;
  MutexClockFn mutex_clocklock;
  CondWaitFn cond_wait;
  CondTimedFn cond_timedwait;
  CondClockFn cond_clockwait;
  CreateFn create;
  SetnameFn setname;
  PrctlFn prctl;
  ExecveFn execve;
  ExecveatFn execveat;
  FexecveFn fexecve;
  ExecvpeFn execvpe;
  SpawnFn spawn, spawnp;
} real;

/* The next definition of name; the condvar functions by version, since
 * plain dlsym may return the pre-2.3.2 ABI. */
static void *
next_symbol (const char *name, const char *version)
{
  void *p = version ? dlvsym (RTLD_NEXT, name, version) : NULL;

  return p ? p : dlsym (RTLD_NEXT, name);
}

/* The real function, resolved on first use (before the constructor, for
 * calls made from other libraries' constructors). */
#define REAL(field, name, version)                                                                \
  __extension__ ({                                                                                \
    __typeof__ (real.field) f_ = __atomic_load_n (&real.field, __ATOMIC_RELAXED);                 \
    if (f_ == NULL)                                                                               \
      {                                                                                           \
        f_ = (__typeof__ (f_)) next_symbol (name, version);                                       \
        __atomic_store_n (&real.field, f_, __ATOMIC_RELAXED);                                     \
      }                                                                                           \
    f_;                                                                                           \
  })

static int
active (void)
{
  return ready && recording && !in_hook;
}

/* --- mutexes --- */

/* The contended path: record the wait around the real call. */
#define CONTENDED_LOCK(mutex, call)                                                                \
  do                                                                                               \
    {                                                                                              \
      int rc_;                                                                                     \
      in_hook = 1;                                                                                 \
      weft_lock_wait (mutex);                                                                      \
      in_hook = 0;                                                                                 \
      rc_ = (call);                                                                                \
      in_hook = 1;                                                                                 \
      weft_lock_acquired (mutex);                                                                  \
      /* Not taken after all (timeout, EDEADLK): the wait ended empty-handed. */                   \
      if (rc_ != 0 && rc_ != EOWNERDEAD)                                                           \
        weft_lock_released (mutex);                                                                \
      in_hook = 0;                                                                                 \
      return rc_;                                                                                  \
    }                                                                                              \
  while (0)

/* 1 when the lock was decided by the trylock (result in *rc). libweft's
 * own locks are checked only after it failed: the uncontended path stays
 * one trylock. */
static int
try_first (pthread_mutex_t *mutex, int *rc)
{
  MutexFn fn = REAL (mutex_trylock, "pthread_mutex_trylock", NULL);

  *rc = fn (mutex);
  return *rc != EBUSY;
}

HOOK int
pthread_mutex_lock (pthread_mutex_t *mutex)
{
  MutexFn fn = REAL (mutex_lock, "pthread_mutex_lock", NULL);
  int rc;

  if (!active ())
    return fn (mutex);
  if (try_first (mutex, &rc) || weft_hook_is_internal (mutex))
    /* Taken, or an error the real lock reports better (EAGAIN, EINVAL). */
    return rc == 0 || rc == EOWNERDEAD ? rc : fn (mutex);
  CONTENDED_LOCK (mutex, fn (mutex));
}

HOOK int
pthread_mutex_timedlock (pthread_mutex_t *mutex, const struct timespec *abstime)
{
  MutexTimedFn fn = REAL (mutex_timedlock, "pthread_mutex_timedlock", NULL);
  int rc;

  if (!active ())
    return fn (mutex, abstime);
  if (try_first (mutex, &rc) || weft_hook_is_internal (mutex))
    return rc == 0 || rc == EOWNERDEAD ? rc : fn (mutex, abstime);
  CONTENDED_LOCK (mutex, fn (mutex, abstime));
}

HOOK int
pthread_mutex_clocklock (pthread_mutex_t *mutex, clockid_t clock, const struct timespec *abstime)
{
  MutexClockFn fn = REAL (mutex_clocklock, "pthread_mutex_clocklock", NULL);
  int rc;

  if (!active ())
    return fn (mutex, clock, abstime);
  if (try_first (mutex, &rc) || weft_hook_is_internal (mutex))
    return rc == 0 || rc == EOWNERDEAD ? rc : fn (mutex, clock, abstime);
  CONTENDED_LOCK (mutex, fn (mutex, clock, abstime));
}

/* --- condition variables --- */

#define COND_WAIT(cond, mutex, call)                                                               \
  do                                                                                               \
    {                                                                                              \
      int rc_;                                                                                     \
      if (!active () || weft_hook_is_internal (mutex))                                             \
        return (call);                                                                             \
      in_hook = 1;                                                                                 \
      weft_hook_cond_wait (cond, mutex);                                                           \
      in_hook = 0;                                                                                 \
      rc_ = (call);                                                                                \
      in_hook = 1;                                                                                 \
      weft_hook_cond_woken (cond);                                                                 \
      in_hook = 0;                                                                                 \
      return rc_;                                                                                  \
    }                                                                                              \
  while (0)

HOOK int
pthread_cond_wait (pthread_cond_t *cond, pthread_mutex_t *mutex)
{
  CondWaitFn fn = REAL (cond_wait, "pthread_cond_wait", "GLIBC_2.3.2");

  COND_WAIT (cond, mutex, fn (cond, mutex));
}

HOOK int
pthread_cond_timedwait (pthread_cond_t *cond, pthread_mutex_t *mutex,
                        const struct timespec *abstime)
{
  CondTimedFn fn = REAL (cond_timedwait, "pthread_cond_timedwait", "GLIBC_2.3.2");

  COND_WAIT (cond, mutex, fn (cond, mutex, abstime));
}

HOOK int
pthread_cond_clockwait (pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                        const struct timespec *abstime)
{
  CondClockFn fn = REAL (cond_clockwait, "pthread_cond_clockwait", "GLIBC_2.30");

  COND_WAIT (cond, mutex, fn (cond, mutex, clock, abstime));
}

/* --- threads and names (WEFT_HOOKS_THREADS) --- */

typedef struct
{
  void *(*start) (void *);
  void *arg;
} Trampoline;

static void
record_own_name (void)
{
  char name[17] = "";

  prctl (PR_GET_NAME, name);
  in_hook = 1;
  weft_thread_set_name (name);
  in_hook = 0;
}

static void *
trampoline (void *data)
{
  Trampoline t = *(Trampoline *) data;

  free (data);
  /* Starts the thread's stream now, not at its first event: the thread
   * is alive from here (THREAD_EXIT comes from libweft at its end). */
  record_own_name ();
  return t.start (t.arg);
}

HOOK int
pthread_create (pthread_t *thread, const pthread_attr_t *attr, void *(*start) (void *), void *arg)
{
  CreateFn fn = REAL (create, "pthread_create", NULL);
  Trampoline *t;
  int rc;

  /* libweft's drain thread is the recorder's, not the program's: named
   * from here, before it runs, so that the recorder can tell it apart
   * even in a process that exits at once (it names itself too late). */
  if (weft_hook_is_runtime_code ((const void *) start))
    {
      rc = fn (thread, attr, start, arg);
      if (rc == 0)
        REAL (setname, "pthread_setname_np", NULL) (*thread, WEFT_RUNTIME_THREAD_NAME);
      return rc;
    }
  if (!active () || !threads_mode || (t = malloc (sizeof *t)) == NULL)
    return fn (thread, attr, start, arg);
  t->start = start;
  t->arg = arg;
  rc = fn (thread, attr, trampoline, t);
  if (rc != 0)
    free (t);
  return rc;
}

HOOK int
pthread_setname_np (pthread_t thread, const char *name)
{
  SetnameFn fn = REAL (setname, "pthread_setname_np", NULL);
  int rc = fn (thread, name);

  if (rc == 0 && active () && threads_mode && pthread_equal (thread, pthread_self ())
      && !weft_hook_is_runtime_code (__builtin_return_address (0)))
    {
      in_hook = 1;
      weft_thread_set_name (name);
      in_hook = 0;
    }
  return rc;
}

HOOK int
prctl (int option, ...)
{
  PrctlFn fn = REAL (prctl, "prctl", NULL);
  unsigned long a[4];
  va_list ap;
  int rc;

  /* prctl takes up to four more words; reading unpassed ones is what
   * glibc's own wrapper does too. */
  va_start (ap, option);
  for (int i = 0; i < 4; i++)
    a[i] = va_arg (ap, unsigned long);
  va_end (ap);
  rc = fn (option, a[0], a[1], a[2], a[3]);
  if (rc == 0 && option == PR_SET_NAME && active () && threads_mode
      && !weft_hook_is_runtime_code (__builtin_return_address (0)))
    record_own_name ();
  return rc;
}

/* --- exec and spawn --- */

static int
entry_is (const char *entry, const char *key)
{
  size_t n = strlen (key);

  return strncmp (entry, key, n) == 0 && entry[n] == '=';
}

static size_t
env_count (char *const envp[])
{
  size_t n = 0;

  while (envp != NULL && envp[n] != NULL)
    n++;
  return n;
}

/* Whether LD_PRELOAD=value (the part after '=') names this library. */
static int
preload_has_own (const char *value)
{
  size_t n = strlen (own_path);

  for (const char *p = value; (p = strstr (p, own_path)) != NULL; p += n)
    if ((p == value || p[-1] == ':' || p[-1] == ' ')
        && (p[n] == '\0' || p[n] == ':' || p[n] == ' '))
      return 1;
  return 0;
}

/* Fills out (room for env_count (envp) + N_KEEP + 1 pointers, and buf of
 * buf_size bytes for a merged LD_PRELOAD) with envp plus what keeps the
 * child traced. Stack memory only: this runs in vfork children. */
static char **
fix_env (char *const envp[], char **out, char *buf, size_t buf_size)
{
  size_t n = 0, i;
  int have[N_KEEP] = { 0 };

  for (i = 0; envp != NULL && envp[i] != NULL; i++)
    {
      char *e = envp[i];

      for (int k = 0; k < N_KEEP; k++)
        if (entry_is (e, keep_keys[k]))
          {
            have[k] = 1;
            /* Someone else's LD_PRELOAD: keep it, ours in front. */
            if (k == N_KEEP - 1 && own_path != NULL && !preload_has_own (e + 11)
                && strlen (own_path) + strlen (e) + 2 <= buf_size)
              {
                strcpy (buf, "LD_PRELOAD=");
                strcat (buf, own_path);
                if (e[11] != '\0')
                  {
                    strcat (buf, ":");
                    strcat (buf, e + 11);
                  }
                e = buf;
              }
          }
      out[n++] = e;
    }
  for (int k = 0; k < N_KEEP; k++)
    if (!have[k] && keep_entries[k] != NULL)
      out[n++] = (char *) keep_entries[k];
  out[n] = NULL;
  return out;
}

/* Before a successful exec wipes the process: events still buffered go
 * to the trace. Not in a vfork child, whose memory is its parent's. */
static void
flush_before_exec (void)
{
  if (active () && getpid () == hooks_pid)
    {
      in_hook = 1;
      weft_flush ();
      in_hook = 0;
    }
}

/* An environment beyond this many entries is passed as it is (the copy
 * lives on the stack). */
#define MAX_FIXED_ENV 65536

#define WITH_FIXED_ENV(envp, fixed)                                                                \
  char **fixed = (envp);                                                                           \
  char fixed##_buf[4096];                                                                          \
  size_t fixed##_n = env_count (envp);                                                             \
  char **fixed##_arr = ready && fixed##_n < MAX_FIXED_ENV                                          \
                         ? __builtin_alloca ((fixed##_n + N_KEEP + 1) * sizeof (char *))           \
                         : NULL;                                                                   \
  if (fixed##_arr != NULL)                                                                         \
    fixed = fix_env ((envp), fixed##_arr, fixed##_buf, sizeof fixed##_buf)

HOOK int
execve (const char *path, char *const argv[], char *const envp[])
{
  ExecveFn fn = REAL (execve, "execve", NULL);
  WITH_FIXED_ENV ((char **) envp, env);

  flush_before_exec ();
  return fn (path, argv, env);
}

HOOK int
execveat (int dirfd, const char *path, char *const argv[], char *const envp[], int flags)
{
  ExecveatFn fn = REAL (execveat, "execveat", NULL);
  WITH_FIXED_ENV ((char **) envp, env);

  flush_before_exec ();
  return fn (dirfd, path, argv, env, flags);
}

HOOK int
fexecve (int fd, char *const argv[], char *const envp[])
{
  FexecveFn fn = REAL (fexecve, "fexecve", NULL);
  WITH_FIXED_ENV ((char **) envp, env);

  flush_before_exec ();
  return fn (fd, argv, env);
}

HOOK int
execvpe (const char *file, char *const argv[], char *const envp[])
{
  ExecvpeFn fn = REAL (execvpe, "execvpe", NULL);
  WITH_FIXED_ENV ((char **) envp, env);

  flush_before_exec ();
  return fn (file, argv, env);
}

/* execv, execvp, execl, execlp use environ, which still has our
 * variables unless the program removed them: those go through execve. */
extern char **environ;

HOOK int
execv (const char *path, char *const argv[])
{
  return execve (path, argv, environ);
}

HOOK int
execvp (const char *file, char *const argv[])
{
  return execvpe (file, argv, environ);
}

HOOK int
posix_spawn (pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
             const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
  SpawnFn fn = REAL (spawn, "posix_spawn", NULL);
  WITH_FIXED_ENV ((char **) envp, env);

  return fn (pid, path, actions, attr, argv, env);
}

HOOK int
posix_spawnp (pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
              const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
  SpawnFn fn = REAL (spawnp, "posix_spawnp", NULL);
  WITH_FIXED_ENV ((char **) envp, env);

  return fn (pid, file, actions, attr, argv, env);
}

/* --- set-up --- */

static void
after_fork_child (void)
{
  hooks_pid = getpid ();
}

/* Runs after libweft's constructor (it is our dependency). */
__attribute__ ((constructor)) static void
hooks_init (void)
{
  const char *threads = getenv ("WEFT_HOOKS_THREADS");
  static char own[1024];
  Dl_info info;

  for (int k = 0; k < N_KEEP; k++)
    for (char **e = environ; e != NULL && *e != NULL; e++)
      if (entry_is (*e, keep_keys[k]))
        {
          /* environ may change later: keep our own copy. */
          keep_entries[k] = strdup (*e);
          break;
        }
  if (dladdr ((const void *) hooks_init, &info) != 0 && info.dli_fname != NULL
      && strlen (info.dli_fname) < sizeof own)
    {
      strcpy (own, info.dli_fname);
      own_path = own;
    }
  threads_mode = threads != NULL && threads[0] == '1';
  recording = weft_hook_enabled ();
  hooks_pid = getpid ();
  pthread_atfork (NULL, NULL, after_fork_child);
  /* Resolve now, outside any lock the program may hold. */
  REAL (mutex_lock, "pthread_mutex_lock", NULL);
  REAL (mutex_trylock, "pthread_mutex_trylock", NULL);
  REAL (mutex_timedlock, "pthread_mutex_timedlock", NULL);
  REAL (mutex_clocklock, "pthread_mutex_clocklock", NULL);
  REAL (cond_wait, "pthread_cond_wait", "GLIBC_2.3.2");
  REAL (cond_timedwait, "pthread_cond_timedwait", "GLIBC_2.3.2");
  REAL (cond_clockwait, "pthread_cond_clockwait", "GLIBC_2.30");
  REAL (create, "pthread_create", NULL);
  REAL (setname, "pthread_setname_np", NULL);
  REAL (prctl, "prctl", NULL);
  REAL (execve, "execve", NULL);
  REAL (execveat, "execveat", NULL);
  REAL (fexecve, "fexecve", NULL);
  REAL (execvpe, "execvpe", NULL);
  REAL (spawn, "posix_spawn", NULL);
  REAL (spawnp, "posix_spawnp", NULL);
  ready = 1;
}
