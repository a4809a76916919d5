/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-launch.h: starting the recorded command and the signal
 * rules of SPEC §3. The command is forked first and held before its exec
 * until the recorder is ready (perf events attached, enabled on exec), so
 * nothing it does is missed; a failed exec comes back as an errno through
 * a close-on-exec pipe, never as output of the child.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses of `weft record` itself (SPEC §3, as env and timeout). */
enum
{
  WEFT_RECORD_EXIT_FAILED = 125,         /* its own failure */
  WEFT_RECORD_EXIT_NOT_EXECUTABLE = 126, /* CMD found but not runnable */
  WEFT_RECORD_EXIT_NOT_FOUND = 127,      /* CMD not found */
};

typedef struct
{
  pid_t pid;
  int go_fd;  /* write end: a byte releases the child into its exec */
  int err_fd; /* read end: the errno of a failed exec; EOF when it ran */
} WeftLaunch;

/* Looks file up as execvp() would. Returns 0 when it can be run, else
 * WEFT_RECORD_EXIT_NOT_FOUND or _NOT_EXECUTABLE with errno set. */
int weft_launch_check (const char *file);

/* The exit status for an errno of a failed exec. */
int weft_launch_exec_error_status (int error);

/* The environment of the command: environ with hooks (when not NULL) in
 * front of LD_PRELOAD, then the "KEY=value" entries of set (NULL-
 * terminated) replacing or adding theirs, in order: set's last entry is
 * the environment's last. NULL-terminated, malloc'd
 * (weft_launch_free_env()). */
char **weft_launch_build_env (const char *const *set, const char *hooks);
void weft_launch_free_env (char **env);

/* Forks the child, which waits for weft_launch_release(). Returns 0, or
 * -1 with errno. */
int weft_launch_spawn (WeftLaunch *launch, char *const argv[], char *const envp[]);

/* Lets the child exec, without the environment's last entry when
 * drop_last_env (it is decided after the fork: whether perf works needs
 * the child's pid). Returns 0 when it ran, else the exec's errno. */
int weft_launch_release (WeftLaunch *launch, int drop_last_env);

/* Kills a child that was never released and reaps it. */
void weft_launch_abort (WeftLaunch *launch);

/* Signals. wake_fd (non-blocking) gets a byte on SIGCHLD and on every
 * stop request. launch mode: SIGINT and SIGQUIT are ignored (the
 * terminal delivers them to the command), SIGTERM and SIGHUP forwarded
 * to the command. Attach mode: SIGINT, SIGTERM and SIGHUP request a stop. */
void weft_signals_install (int launch_mode, int wake_fd);
void weft_signals_set_child (pid_t pid);
int weft_signals_stop_requested (void);
/* Back to the dispositions found at install. */
void weft_signals_restore (void);

#ifdef __cplusplus
}
#endif
