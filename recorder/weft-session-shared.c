/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-session-shared.c: the runtime under `weft record` (WEFT_SESSION=
 * the path of the recorder's session socket). The block pool lives in a
 * memfd: the process connects to the socket and sends the memfd with a
 * hello (WeftPoolHello); `weft record` maps it, drains full blocks while
 * the process runs, and when the connection closes (the process exited,
 * was killed, or exec'd) writes every committed event that is left. So a
 * SIGKILL loses only an event being written at that instant. The process
 * writes no file and runs no drain thread.
 *
 * Everything here is plain system calls, so that a forked child (in the
 * atfork handler of a threaded program) can make its own pool.
 */
#define _GNU_SOURCE
#include "weft-runtime-private.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static struct sockaddr_un session_addr;
static socklen_t session_addr_len;

int
_weft_session_shared_set_address (const char *path)
{
  size_t len = strlen (path);

  if (len == 0 || len >= sizeof session_addr.sun_path)
    return -1;
  session_addr.sun_family = AF_UNIX;
  memcpy (session_addr.sun_path, path, len + 1);
  session_addr_len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + len + 1);
  return 0;
}

/* Sends the hello and the memfd on a fresh connection; the socket, or -1. */
static int
send_pool (int memfd, uint64_t size)
{
  WeftPoolHello hello = {
    .magic = WEFT_POOL_HELLO_MAGIC,
    .version = WEFT_POOL_HELLO_VERSION,
    .pid = _weft_rt.pid,
    .region_size = size,
  };
  union
  {
    struct cmsghdr h;
    char buf[CMSG_SPACE (sizeof (int))];
  } control;
  struct iovec iov = { &hello, sizeof hello };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buf,
    .msg_controllen = sizeof control.buf,
  };
  struct cmsghdr *c;
  int sock, e;
  ssize_t n;

  sock = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return -1;
  while (connect (sock, (struct sockaddr *) &session_addr, session_addr_len) < 0)
    if (errno != EINTR)
      goto fail;
  memset (control.buf, 0, sizeof control.buf);
  c = CMSG_FIRSTHDR (&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &memfd, sizeof memfd);
  while ((n = sendmsg (sock, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
    ;
  if (n != (ssize_t) sizeof hello)
    goto fail;
  /* Kept open (close-on-exec) until the process ends: its closing is
   * how the recorder learns that nothing more will be written. */
  return sock;

fail:
  e = errno;
  close (sock);
  errno = e;
  return -1;
}

int
_weft_session_shared_start (uint64_t cap)
{
  int memfd, sock;
  WeftPool *pool = _weft_pool_create_shared (cap, _weft_rt.pid, _weft_rt.clock, &memfd);

  if (pool == NULL)
    return -1;
  sock = send_pool (memfd, pool->region_size);
  close (memfd);
  if (sock < 0)
    {
      int e = errno;

      munmap (pool, pool->region_size);
      errno = e;
      return -1;
    }
  _weft_rt.pool = pool;
  _weft_rt.region_size = pool->region_size;
  _weft_rt.session_fd = sock;
  _weft_rt.shared = 1;
  return 0;
}

int
_weft_session_shared_after_fork (void)
{
  WeftPool *parent = _weft_rt.pool;
  uint64_t size = _weft_rt.region_size;

  /* The parent's pool and connection are the parent's: the mapping is
   * shared, so nothing may be written to it from here. */
  close (_weft_rt.session_fd);
  _weft_rt.session_fd = -1;
  _weft_rt.pool = NULL;
  if (parent != NULL)
    munmap (parent, size);
  return _weft_session_shared_start (size);
}
