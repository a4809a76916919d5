/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record.c: a recording session from start to finish: the output,
 * the command (held before its exec), perf or the fallback, metadata,
 * the loop, libweft's chunks, the exit status.
 */
#define _GNU_SOURCE
#include "weft-config.h"

#include "weft-record-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "weft-record-proc.h"

static int
fail (WeftRecordResult *r, int code, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vsnprintf (r->error, sizeof r->error, fmt, ap);
  va_end (ap);
  r->exit_code = code;
  return code;
}

/* --- the output --- */

/* An existing trace becomes FILE.old; then the builder creates FILE
 * (0666 & ~umask). */
static WeftBuilder *
create_output (const char *path, WeftRecordResult *r)
{
  struct stat st;
  WeftBuilder *b;

  if (stat (path, &st) == 0 && S_ISREG (st.st_mode))
    {
      char old[PATH_MAX];

      if (snprintf (old, sizeof old, "%s.old", path) >= (int) sizeof old || rename (path, old) < 0)
        {
          fail (r, WEFT_RECORD_EXIT_FAILED, "%s: cannot rename to %s.old: %s", path, path,
                strerror (errno));
          return NULL;
        }
    }
  b = weft_builder_new (path);
  if (b == NULL)
    fail (r, WEFT_RECORD_EXIT_FAILED, "%s: %s", path, strerror (errno));
  return b;
}

/* A recorder killed outright leaves its private directory behind (the
 * session socket, libweft's fallback file). The directory's name holds
 * its recorder's pid: one of ours whose recorder is gone and whose
 * fallback file is empty holds nothing, and is removed; one with events
 * in it is left for its owner. */
static void
remove_stale_dirs (const char *tmp)
{
  DIR *d = opendir (tmp);
  struct dirent *e;

  if (d == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    {
      const char *digits = e->d_name + strlen ("weft-record-");
      char path[PATH_MAX], file[PATH_MAX + 16];
      struct stat st;
      char *end;
      long pid;

      if (strncmp (e->d_name, "weft-record-", strlen ("weft-record-")) != 0)
        continue;
      pid = strtol (digits, &end, 10);
      if (end == digits || *end != '-' || pid <= 0 || pid == (long) getpid ()
          || kill ((pid_t) pid, 0) == 0 || errno != ESRCH)
        continue;
      if (snprintf (path, sizeof path, "%s/%s", tmp, e->d_name) >= (int) sizeof path
          || lstat (path, &st) < 0 || !S_ISDIR (st.st_mode) || st.st_uid != geteuid ())
        continue;
      snprintf (file, sizeof file, "%s/libweft.weft", path);
      if (lstat (file, &st) == 0 && st.st_size > 0)
        continue;
      unlink (file);
      snprintf (file, sizeof file, "%s/session", path);
      unlink (file);
      /* Anything else in it keeps it. */
      rmdir (path);
    }
  closedir (d);
}

/* libweft's standalone file in a private directory, named after this
 * recorder (remove_stale_dirs). Created here, so every process appends
 * to it (WEFT_TRACE_APPEND) and none truncates. */
static int
create_libweft_file (WeftRecordSession *s, char *append, size_t size)
{
  const char *tmp = getenv ("TMPDIR");
  struct stat st;
  int fd;

  tmp = tmp && *tmp ? tmp : "/tmp";
  remove_stale_dirs (tmp);
  snprintf (s->tmpdir, sizeof s->tmpdir, "%s/weft-record-%ld-XXXXXX", tmp, (long) getpid ());
  if (mkdtemp (s->tmpdir) == NULL)
    {
      s->tmpdir[0] = '\0';
      return -1;
    }
  if (snprintf (s->tmptrace, sizeof s->tmptrace, "%s/libweft.weft", s->tmpdir)
      >= (int) sizeof s->tmptrace)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  fd = open (s->tmptrace, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }
  close (fd);
  snprintf (append, size, "WEFT_TRACE_APPEND=%" PRIu64 ":%" PRIu64, (uint64_t) st.st_dev,
            (uint64_t) st.st_ino);
  return 0;
}

static void
remove_libweft_file (WeftRecordSession *s)
{
  if (s->tmptrace[0])
    unlink (s->tmptrace);
  if (s->tmpdir[0])
    rmdir (s->tmpdir);
}

/* --- metadata --- */

static void
set_meta (const char *key, const char *value, void *data)
{
  weft_builder_set_metadata (data, key, value);
}

static void
write_metadata (WeftRecordSession *s)
{
  char buf[4096];
  struct timespec ts;
  struct tm tm;

  if (s->o->command_line != NULL)
    set_meta ("command", s->o->command_line, s->b);
  else if (s->o->attach_pid && weft_proc_cmdline (s->target, buf, sizeof buf) == 0)
    set_meta ("command", buf, s->b);
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  snprintf (buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
  set_meta ("start_time", buf, s->b);
  weft_proc_machine_metadata (set_meta, s->b);
  set_meta ("weft_version", WEFT_VERSION, s->b);
  set_meta ("source", "weft", s->b);
  set_meta ("sched", s->r->sched ? "true" : "false", s->b);
  /* Whether other processes' CPU time was recorded (other_ns). */
  set_meta ("system_wide", s->r->system_wide ? "true" : "false", s->b);
  /* Always: it overrides what libweft's own metadata says. */
  set_meta ("sched_reason", s->r->sched ? "" : s->r->sched_reason, s->b);
}

/* How often the scheduler and process-tree streams go to the file:
 * WEFT_RECORD_FLUSH_MS overrides it (0: only at the end), for tests. */
static void
set_flush_period (WeftRecordSession *s)
{
  const char *env = getenv ("WEFT_RECORD_FLUSH_MS");
  char *end;
  unsigned long long ms;

  if (env == NULL || env[0] == '\0')
    return;
  errno = 0;
  ms = strtoull (env, &end, 10);
  if (errno == 0 && *end == '\0' && ms <= 3600000ull)
    weft_sched_set_flush_period (s->sched, ms * 1000000ull);
}

/* --- perf --- */

size_t
_weft_record_ring_pages (void)
{
  int cpus[WEFT_PROC_MAX_CPUS];
  size_t n = weft_proc_online_cpus (cpus, WEFT_PROC_MAX_CPUS);
  size_t bytes = WEFT_RECORD_RING_BYTES, page = (size_t) sysconf (_SC_PAGESIZE);

  while (n > 0 && bytes * n > WEFT_RECORD_RINGS_BYTES && bytes > 64 * page)
    bytes /= 2;
  return bytes / page;
}

static void
perf_refused (WeftRecordSession *s, WeftPerfMode mode, int error, const char *why)
{
  char prefix[8] = "";

  /* -a refused: the traced processes alone are still worth having. */
  if (mode == WEFT_PERF_SYSTEM)
    snprintf (prefix, sizeof prefix, "-a: ");
  snprintf (s->r->sched_reason, sizeof s->r->sched_reason, "%s%s", prefix, why);
  snprintf (s->r->sched_how, sizeof s->r->sched_how, "%s", weft_perf_how_to_enable (mode, error));
}

/* Chooses system-wide, per-task or no scheduler data, opening the events
 * on tids: the held command (enabled at its exec) or the attached
 * process's threads. */
static void
open_perf (WeftRecordSession *s, const pid_t *tids, size_t n_tids, int enable_on_exec)
{
  const char *env = getenv ("WEFT_RECORD_NO_PERF");
  char why[256];

  s->mode = WEFT_SCHED_NONE;
  if (s->o->no_sched)
    {
      snprintf (s->r->sched_reason, sizeof s->r->sched_reason, "disabled with --no-sched");
      snprintf (s->r->sched_how, sizeof s->r->sched_how, "record without --no-sched");
      return;
    }
  if (env != NULL && env[0] != '\0' && strcmp (env, "0") != 0)
    {
      snprintf (s->r->sched_reason, sizeof s->r->sched_reason, "disabled by WEFT_RECORD_NO_PERF");
      snprintf (s->r->sched_how, sizeof s->r->sched_how, "unset WEFT_RECORD_NO_PERF");
      return;
    }
  for (int m = s->o->system_wide ? WEFT_PERF_SYSTEM : WEFT_PERF_TASK; m >= WEFT_PERF_TASK; m--)
    {
      s->perf = weft_perf_open ((WeftPerfMode) m, tids, n_tids, enable_on_exec,
                                _weft_record_ring_pages (), why, sizeof why);
      if (s->perf != NULL)
        {
          s->mode = m == WEFT_PERF_SYSTEM ? WEFT_SCHED_SYSTEM : WEFT_SCHED_TASK;
          s->r->sched = 1;
          s->r->system_wide = m == WEFT_PERF_SYSTEM;
          return;
        }
      perf_refused (s, (WeftPerfMode) m, errno, why);
    }
}

/* -p: every thread of the target, followed until no new one appears
 * (threads created meanwhile by an already followed one are inherited). */
static void
follow_new_threads (WeftRecordSession *s, pid_t **tids, size_t *n_tids)
{
  for (int round = 0; round < 8 && s->perf != NULL && s->mode == WEFT_SCHED_TASK; round++)
    {
      pid_t *now;
      size_t n = weft_proc_list_threads (s->target, &now), added = 0;

      for (size_t i = 0; i < n; i++)
        {
          size_t j = 0;

          while (j < *n_tids && (*tids)[j] != now[i])
            j++;
          if (j < *n_tids)
            continue;
          if (weft_perf_add_thread (s->perf, now[i]) == 0)
            added++;
        }
      free (*tids);
      *tids = now;
      *n_tids = n;
      if (added == 0)
        break;
    }
}

/* --- the run --- */

static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');

  return slash ? slash + 1 : path;
}

static void
seed_processes (WeftRecordSession *s, const pid_t *tids, size_t n_tids)
{
  uint64_t now = _weft_record_now ();
  char name[16];

  if (!s->o->attach_pid)
    {
      snprintf (name, sizeof name, "%s", base_name (s->o->argv[0]));
      weft_sched_add_process (s->sched, (uint32_t) s->target, now, name, 1);
      return;
    }
  if (weft_proc_read_comm (s->target, s->target, name, sizeof name) < 0)
    name[0] = '\0';
  weft_sched_add_process (s->sched, (uint32_t) s->target, now, name, 0);
  for (size_t i = 0; i < n_tids; i++)
    {
      if (weft_proc_read_comm (s->target, tids[i], name, sizeof name) < 0)
        continue;
      weft_sched_add_thread (s->sched, (uint32_t) s->target, (uint32_t) tids[i], now, name);
    }
}

static int
exit_code_of (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return WEFT_RECORD_EXIT_FAILED;
}

/* One descriptor per traced process (its connection): as many as the
 * hard limit allows. After the fork, so the command keeps its limits. */
static void
raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

/* Launch mode up to the released exec; returns an exit code on failure. */
static int
launch (WeftRecordSession *s, WeftLaunch *l)
{
  char append[128], trace[PATH_MAX + 16], threads[] = "WEFT_HOOKS_THREADS=1";
  char session[PATH_MAX + 16], sock[PATH_MAX];
  const char *set[6];
  size_t n_set = 0;
  char cap[64];
  char **env;

  if (create_libweft_file (s, append, sizeof append) < 0)
    return fail (s->r, WEFT_RECORD_EXIT_FAILED, "%s: cannot create a temporary file: %s",
                 s->tmpdir[0] ? s->tmpdir : "TMPDIR", strerror (errno));
  /* The pools are shared with us through this socket; a process that
   * cannot reach it (another mount namespace) writes the file instead,
   * which is merged at the end. */
  if (snprintf (sock, sizeof sock, "%s/session", s->tmpdir) < (int) sizeof sock)
    s->pools = weft_pools_new (s->b, sock);
  if (s->pools != NULL)
    {
      snprintf (session, sizeof session, "WEFT_SESSION=%s", sock);
      set[n_set++] = session;
    }
  snprintf (trace, sizeof trace, "WEFT_TRACE=%s", s->tmptrace);
  set[n_set++] = trace;
  set[n_set++] = append;
  if (s->o->buffer_cap)
    {
      snprintf (cap, sizeof cap, "WEFT_BUFFER_CAP=%" PRIu64, s->o->buffer_cap);
      set[n_set++] = cap;
    }
  /* Last: weft_launch_release() drops it when perf reports threads. */
  set[n_set++] = threads;
  set[n_set] = NULL;
  env = weft_launch_build_env (set, s->o->hooks_path);
  if (env == NULL)
    return fail (s->r, WEFT_RECORD_EXIT_FAILED, "out of memory");
  if (weft_launch_spawn (l, s->o->argv, env) < 0)
    {
      weft_launch_free_env (env);
      return fail (s->r, WEFT_RECORD_EXIT_FAILED, "cannot start %s: %s", s->o->argv[0],
                   strerror (errno));
    }
  weft_launch_free_env (env);
  s->target = l->pid;
  weft_signals_set_child (l->pid);
  raise_fd_limit ();
  return 0;
}

int
weft_record_run (const WeftRecordOptions *o, WeftRecordResult *r)
{
  WeftRecordSession session = { .o = o, .r = r, .wake = { -1, -1 }, .target_fd = -1 };
  WeftRecordSession *s = &session;
  WeftLaunch l = { .pid = -1, .go_fd = -1, .err_fd = -1 };
  pid_t *tids = NULL;
  size_t n_tids = 0;
  int status, exec_error = 0;

  memset (r, 0, sizeof *r);
  r->start_ns = _weft_record_now ();
  if (!o->attach_pid && (o->argv == NULL || o->argv[0] == NULL))
    return fail (r, WEFT_RECORD_EXIT_FAILED, "no command to record");
  /* Before touching any file: a command that cannot run is 126/127. */
  if (!o->attach_pid && (status = weft_launch_check (o->argv[0])) != 0)
    return fail (r, status, "%s: %s", o->argv[0],
                 status == WEFT_RECORD_EXIT_NOT_FOUND ? "command not found" : strerror (errno));
  if (o->attach_pid && kill (o->attach_pid, 0) < 0 && errno == ESRCH)
    return fail (r, WEFT_RECORD_EXIT_FAILED, "%d: no such process", (int) o->attach_pid);

  s->b = create_output (o->output, r);
  if (s->b == NULL)
    return r->exit_code;
  if (pipe2 (s->wake, O_CLOEXEC | O_NONBLOCK) < 0)
    {
      fail (r, WEFT_RECORD_EXIT_FAILED, "pipe: %s", strerror (errno));
      goto out;
    }
  weft_signals_install (!o->attach_pid, s->wake[1]);

  if (o->attach_pid)
    {
      s->target = o->attach_pid;
      s->target_fd = (int) syscall (SYS_pidfd_open, s->target, 0);
      n_tids = weft_proc_list_threads (s->target, &tids);
      open_perf (s, tids, n_tids, 0);
      follow_new_threads (s, &tids, &n_tids);
    }
  else
    {
      if (launch (s, &l) != 0)
        goto out;
      open_perf (s, &l.pid, 1, 1);
      prctl (PR_SET_CHILD_SUBREAPER, 1);
    }

  s->sched = weft_sched_new (s->b, s->mode);
  s->mem = o->memory_period_ms ? weft_memory_new () : NULL;
  if (s->sched == NULL || (o->memory_period_ms && s->mem == NULL))
    {
      if (!o->attach_pid)
        weft_launch_abort (&l);
      fail (r, WEFT_RECORD_EXIT_FAILED, "out of memory");
      goto out;
    }
  set_flush_period (s);
  write_metadata (s);
  seed_processes (s, tids, n_tids);
  /* In the file from the start: a recorder killed later leaves a trace
   * that says what it recorded and how. */
  weft_builder_flush (s->b);
  if (s->mem != NULL)
    weft_memory_add (s->mem, s->target);
  s->next_sample = s->next_discover = _weft_record_now ();
  if (o->attach_pid && o->duration_s > 0)
    s->deadline = s->next_sample + (uint64_t) (o->duration_s * 1e9);

  if (!o->attach_pid)
    /* Without perf the hooks report threads and names themselves: the
     * environment's last entry (WEFT_HOOKS_THREADS) stays. */
    exec_error = weft_launch_release (&l, s->mode != WEFT_SCHED_NONE);
  _weft_record_loop (s);

  if (s->pools != NULL)
    {
      weft_pools_finish (s->pools);
      weft_pools_get_stats (s->pools, &r->pools);
    }
  {
    int merged = s->tmptrace[0] ? weft_record_merge_file (s->b, s->tmptrace, &r->merged) : 0;

    weft_sched_get_counts (s->sched, &r->counts);
    if (weft_builder_finish (s->b) < 0)
      fail (r, WEFT_RECORD_EXIT_FAILED, "%s: %s", o->output, strerror (errno));
    else if (merged < 0)
      fail (r, WEFT_RECORD_EXIT_FAILED, "%s: %s", s->tmptrace, strerror (errno));
    else if (exec_error)
      fail (r, weft_launch_exec_error_status (exec_error), "%s: %s", o->argv[0],
            strerror (exec_error));
    else if (o->attach_pid)
      r->exit_code = 0;
    else
      r->exit_code = r->have_wait_status ? exit_code_of (r->wait_status) : WEFT_RECORD_EXIT_FAILED;
    s->b = NULL;
  }

out:
  /* Failed before recording anything: no half-made trace is left. */
  if (s->b != NULL)
    {
      weft_builder_abandon (s->b);
      unlink (o->output);
    }
  weft_signals_restore ();
  weft_perf_close (s->perf);
  weft_sched_free (s->sched);
  weft_memory_free (s->mem);
  weft_perf_record_vec_clear (&s->pending);
  weft_pools_free (s->pools);
  remove_libweft_file (s);
  free (s->known);
  free (tids);
  if (s->target_fd >= 0)
    close (s->target_fd);
  if (s->wake[0] >= 0)
    close (s->wake[0]);
  if (s->wake[1] >= 0)
    close (s->wake[1]);
  return r->exit_code;
}

/* --- finding the hooks --- */

const char *
weft_record_find_hooks (char *buf, size_t size)
{
  const char *env = getenv ("WEFT_HOOKS");
  char exe[PATH_MAX];
  ssize_t n;

  if (env != NULL)
    return env[0] ? env : NULL;
  n = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0)
    {
      exe[n] = '\0';
      /* The build tree: cli/weft beside recorder/libweft-hooks.so. */
      snprintf (buf, size, "%s/../recorder/libweft-hooks.so", dirname (exe));
      if (access (buf, R_OK) == 0)
        {
          char *real = realpath (buf, NULL);

          if (real != NULL && strlen (real) < size)
            strcpy (buf, real);
          free (real);
          return buf;
        }
    }
#ifdef WEFT_HOOKS_INSTALLED
  if (access (WEFT_HOOKS_INSTALLED, R_OK) == 0)
    {
      snprintf (buf, size, "%s", WEFT_HOOKS_INSTALLED);
      return buf;
    }
#endif
  return NULL;
}
