/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-launch.c: fork, the held exec, the command's environment
 * and the signal dispositions of `weft record`.
 */
#define _GNU_SOURCE
#include "weft-record-launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* --- finding the command --- */

static int
check_path (const char *path)
{
  struct stat st;

  if (stat (path, &st) < 0)
    return WEFT_RECORD_EXIT_NOT_FOUND;
  if (S_ISDIR (st.st_mode) || access (path, X_OK) < 0)
    {
      errno = EACCES;
      return WEFT_RECORD_EXIT_NOT_EXECUTABLE;
    }
  return 0;
}

int
weft_launch_check (const char *file)
{
  const char *path = getenv ("PATH");
  int seen_denied = 0;

  if (file == NULL || file[0] == '\0')
    {
      errno = ENOENT;
      return WEFT_RECORD_EXIT_NOT_FOUND;
    }
  if (strchr (file, '/') != NULL)
    return check_path (file);
  if (path == NULL)
    path = "/bin:/usr/bin";
  /* As execvp: try each directory, an empty one meaning ".". */
  for (const char *p = path;; p++)
    {
      const char *end = strchrnul (p, ':');
      char buf[4096];
      int r;

      if (end == p)
        r = snprintf (buf, sizeof buf, "%s", file);
      else
        r = snprintf (buf, sizeof buf, "%.*s/%s", (int) (end - p), p, file);
      if (r > 0 && (size_t) r < sizeof buf)
        {
          int status = check_path (buf);

          if (status == 0)
            return 0;
          seen_denied |= status == WEFT_RECORD_EXIT_NOT_EXECUTABLE;
        }
      if (*end == '\0')
        break;
      p = end;
    }
  errno = seen_denied ? EACCES : ENOENT;
  return seen_denied ? WEFT_RECORD_EXIT_NOT_EXECUTABLE : WEFT_RECORD_EXIT_NOT_FOUND;
}

int
weft_launch_exec_error_status (int error)
{
  return error == ENOENT || error == ENOTDIR ? WEFT_RECORD_EXIT_NOT_FOUND
                                             : WEFT_RECORD_EXIT_NOT_EXECUTABLE;
}

/* --- environment --- */

static int
has_key (const char *entry, const char *key)
{
  size_t n = strlen (key);

  return strncmp (entry, key, n) == 0 && entry[n] == '=';
}

/* Whether entry sets a key that one of set[] sets ("KEY=…"). */
static int
overridden (const char *entry, const char *const *set)
{
  for (; set != NULL && *set != NULL; set++)
    {
      const char *eq = strchr (*set, '=');

      if (eq != NULL && strncmp (entry, *set, (size_t) (eq - *set) + 1) == 0)
        return 1;
    }
  return 0;
}

char **
weft_launch_build_env (const char *const *set, const char *hooks)
{
  size_t n = 0, n_set = 0, out = 0;
  const char *preload = getenv ("LD_PRELOAD");
  char **env;

  while (environ[n] != NULL)
    n++;
  while (set != NULL && set[n_set] != NULL)
    n_set++;
  env = calloc (n + n_set + 2, sizeof *env);
  if (env == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    {
      if (overridden (environ[i], set) || (hooks && has_key (environ[i], "LD_PRELOAD")))
        continue;
      if ((env[out++] = strdup (environ[i])) == NULL)
        goto oom;
    }
  /* Ours first: the hooks must see the calls before any other preload. */
  if (hooks
      && asprintf (&env[out++], "LD_PRELOAD=%s%s%s", hooks, preload && *preload ? ":" : "",
                   preload ? preload : "")
           < 0)
    {
      env[out - 1] = NULL;
      goto oom;
    }
  for (size_t i = 0; i < n_set; i++)
    if ((env[out++] = strdup (set[i])) == NULL)
      goto oom;
  return env;

oom:
  weft_launch_free_env (env);
  return NULL;
}

void
weft_launch_free_env (char **env)
{
  if (env == NULL)
    return;
  for (char **e = env; *e != NULL; e++)
    free (*e);
  free (env);
}

/* --- signals --- */

static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t owner_pid; /* the recorder, not its forked child */
static int signal_wake_fd = -1;
static int installed;
#define N_HANDLED 5
static const int handled[N_HANDLED] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD };
static struct sigaction saved[N_HANDLED];

static void
wake (void)
{
  int e = errno;

  if (signal_wake_fd >= 0)
    (void) !write (signal_wake_fd, "s", 1);
  errno = e;
}

static void
on_forward (int sig)
{
  /* Between fork and exec the child still runs this handler: it must not
   * signal anyone (kill (0, …) would hit the whole group). */
  if (getpid () != (pid_t) owner_pid)
    return;
  if (child_pid > 0)
    kill ((pid_t) child_pid, sig);
  wake ();
}

static void
on_stop (int sig)
{
  (void) sig;
  stop_requested = 1;
  wake ();
}

static void
on_child (int sig)
{
  (void) sig;
  wake ();
}

void
weft_signals_install (int launch_mode, int wake_fd)
{
  struct sigaction sa;

  owner_pid = getpid ();
  signal_wake_fd = wake_fd;
  for (int i = 0; i < N_HANDLED; i++)
    sigaction (handled[i], NULL, &saved[i]);
  installed = 1;

  memset (&sa, 0, sizeof sa);
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = SA_RESTART;

  sa.sa_handler = on_child;
  sa.sa_flags |= SA_NOCLDSTOP;
  sigaction (SIGCHLD, &sa, NULL);
  sa.sa_flags = SA_RESTART;
  if (launch_mode)
    {
      sa.sa_handler = SIG_IGN;
      sigaction (SIGINT, &sa, NULL);
      sigaction (SIGQUIT, &sa, NULL);
      sa.sa_handler = on_forward;
      sigaction (SIGTERM, &sa, NULL);
      sigaction (SIGHUP, &sa, NULL);
    }
  else
    {
      sa.sa_handler = on_stop;
      sigaction (SIGINT, &sa, NULL);
      sigaction (SIGTERM, &sa, NULL);
      sigaction (SIGHUP, &sa, NULL);
    }
}

void
weft_signals_set_child (pid_t pid)
{
  child_pid = pid;
}

int
weft_signals_stop_requested (void)
{
  return stop_requested;
}

void
weft_signals_restore (void)
{
  if (!installed)
    return;
  for (int i = 0; i < N_HANDLED; i++)
    sigaction (handled[i], &saved[i], NULL);
  installed = 0;
  signal_wake_fd = -1;
}

/* --- the child --- */

static void
write_errno (int fd, int error)
{
  (void) !write (fd, &error, sizeof error);
}

int
weft_launch_spawn (WeftLaunch *launch, char *const argv[], char *const envp[])
{
  int go[2], err[2];
  pid_t pid;

  if (pipe2 (go, O_CLOEXEC) < 0)
    return -1;
  if (pipe2 (err, O_CLOEXEC) < 0)
    {
      int e = errno;

      close (go[0]);
      close (go[1]);
      errno = e;
      return -1;
    }
  pid = fork ();
  if (pid < 0)
    {
      int e = errno;

      close (go[0]);
      close (go[1]);
      close (err[0]);
      close (err[1]);
      errno = e;
      return -1;
    }
  if (pid == 0)
    {
      char c;
      ssize_t n;

      /* The command gets the dispositions weft record was started with
       * (an ignored SIGINT stays ignored, as under nohup). */
      if (installed)
        for (int i = 0; i < N_HANDLED; i++)
          sigaction (handled[i], &saved[i], NULL);
      close (go[1]);
      close (err[0]);
      do
        n = read (go[0], &c, 1);
      while (n < 0 && errno == EINTR);
      if (n != 1)
        _exit (WEFT_RECORD_EXIT_FAILED); /* the recorder gave up */
      if (c == 'd')
        {
          /* Our copy of the environment, in this process's memory. */
          char **env = (char **) envp;
          size_t last = 0;

          while (env[last] != NULL)
            last++;
          if (last > 0)
            env[last - 1] = NULL;
        }
      execvpe (argv[0], argv, envp);
      write_errno (err[1], errno);
      _exit (weft_launch_exec_error_status (errno));
    }
  close (go[0]);
  close (err[1]);
  launch->pid = pid;
  launch->go_fd = go[1];
  launch->err_fd = err[0];
  return 0;
}

int
weft_launch_release (WeftLaunch *launch, int drop_last_env)
{
  int error = 0;
  ssize_t n;

  while (write (launch->go_fd, drop_last_env ? "d" : "g", 1) < 0 && errno == EINTR)
    ;
  close (launch->go_fd);
  launch->go_fd = -1;
  do
    n = read (launch->err_fd, &error, sizeof error);
  while (n < 0 && errno == EINTR);
  close (launch->err_fd);
  launch->err_fd = -1;
  return n == (ssize_t) sizeof error ? error : 0;
}

void
weft_launch_abort (WeftLaunch *launch)
{
  int status;

  if (launch->go_fd >= 0)
    close (launch->go_fd);
  if (launch->err_fd >= 0)
    close (launch->err_fd);
  launch->go_fd = launch->err_fd = -1;
  /* Closing the go pipe makes it exit 125; SIGKILL in case it is stuck. */
  kill (launch->pid, SIGKILL);
  while (waitpid (launch->pid, &status, 0) < 0 && errno == EINTR)
    ;
}
