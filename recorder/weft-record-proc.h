/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-record-proc.h: what `weft record` reads from /proc and /sys:
 * CPUs, names, resident sizes, thread lists, the process tree (for the
 * recording without perf) and the trace metadata of the machine.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_PROC_MAX_CPUS 1024

/* The first integer in a file, or fallback when unreadable. */
int weft_proc_read_int (const char *path, int fallback);

/* Online CPU numbers from /sys/devices/system/cpu/online (ascending). */
size_t weft_proc_online_cpus (int *cpus, size_t max);

/* A task's name (comm, at most 15 bytes) into buf; 0, or -1 when gone. */
int weft_proc_read_comm (pid_t pid, pid_t tid, char *buf, size_t size);

/* Resident set size in bytes from /proc/PID/statm; -1 when gone. */
int64_t weft_proc_rss (pid_t pid);

/* The parent pid from /proc/PID/stat; -1 when gone. */
pid_t weft_proc_ppid (pid_t pid);

/* The threads of pid (from /proc/PID/task) into a malloc'd array (free
 * it); returns the count, 0 when the process is gone. */
size_t weft_proc_list_threads (pid_t pid, pid_t **tids);

/* Every living descendant of ancestor (not itself), from one scan of
 * /proc, ascending, into a malloc'd array (free it); returns the count. */
size_t weft_proc_descendants (pid_t ancestor, pid_t **pids);

/* The command line of pid, arguments separated by spaces, into buf; 0,
 * or -1 when it cannot be read. */
int weft_proc_cmdline (pid_t pid, char *buf, size_t size);

/* Writes the machine's metadata (hostname, kernel, cpu_model, cpu_count)
 * through set (key, value, data). */
void weft_proc_machine_metadata (void (*set) (const char *key, const char *value, void *data),
                                 void *data);

#ifdef __cplusplus
}
#endif
