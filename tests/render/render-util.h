/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * render-util.h: synthetic traces for the renderer's tests, one per lane
 * kind, built with the trace builder; drawing them into image surfaces;
 * the pinned fonts. Times are trace-relative ns; RT0 is added on disk.
 */
#pragma once

#include <cairo.h>
#include <stdlib.h>

#include "weft-builder.h"
#include "weft-lod.h"
#include "weft-renderer.h"

#define RT0 G_GUINT64_CONSTANT (5000000000)
#define MS G_GUINT64_CONSTANT (1000000)
#define US G_GUINT64_CONSTANT (1000)

/* Text is drawn with DejaVu only (tests/render/fonts.conf), whatever the
 * machine has; meson sets FONTCONFIG_FILE too, this covers running the
 * test binary by hand. Call after g_test_init(), before anything touches
 * pango. */
static inline void
render_util_pin_fonts (void)
{
  g_autofree char *fonts = g_test_build_filename (G_TEST_DIST, "render", "fonts.conf", NULL);

  g_setenv ("FONTCONFIG_FILE", fonts, TRUE);
}

static inline WeftLod *
render_util_lod (WeftBuilder *b)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (WeftReader) reader = NULL;
  uint8_t *data;
  size_t size;
  WeftLod *lod;

  g_assert_cmpint (weft_builder_finish_memory (b, &data, &size), ==, 0);
  bytes = g_bytes_new_with_free_func (data, size, free, data);
  reader = weft_reader_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  lod = weft_lod_new_for_reader (reader, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lod);
  return lod;
}

static inline WeftLod *
render_util_lod_of (void (*build) (WeftBuilder *b))
{
  WeftBuilder *b = weft_builder_new_memory ();

  build (b);
  return render_util_lod (b);
}

/* A pixel of an image surface, without alpha. */
static inline guint32
render_util_pixel (cairo_surface_t *s, int x, int y)
{
  const guint8 *data = cairo_image_surface_get_data (s);

  return ((const guint32 *) (gconstpointer) (data + y * cairo_image_surface_get_stride (s)))[x]
         & 0xffffff;
}

static inline WeftBuilderStream
render_util_thread (WeftBuilder *b, guint32 pid, guint32 tid, const char *name)
{
  WeftBuilderStream s = weft_builder_thread (b, pid, tid);

  weft_builder_thread_name (b, s, RT0, name);
  if (pid == tid)
    weft_builder_process_name (b, s, RT0, "demo");
  return s;
}

/* Two cores, three threads of one process: 20 ms of two workers taking
 * turns (one core at a time, hopping between cores), then 20 ms of both
 * running at once. Each worker's slices are inside one "work" span. */
static inline void
render_util_build_cpu (WeftBuilder *b)
{
  WeftBuilderStream cpu[2] = { weft_builder_cpu (b, 0), weft_builder_cpu (b, 1) };
  WeftBuilderStream main_s, a, c;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_set_metadata (b, "command", "/usr/bin/demo --turns");
  main_s = render_util_thread (b, 100, 100, "main");
  a = render_util_thread (b, 100, 101, "worker-a");
  c = render_util_thread (b, 100, 102, "worker-b");
  weft_builder_span_begin (b, main_s, RT0, "start");
  weft_builder_span_end (b, main_s, RT0 + 1 * MS);
  weft_builder_switch (b, cpu[0], RT0, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 100);
  weft_builder_switch (b, cpu[0], RT0 + 1 * MS, 100, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
  weft_builder_span_begin (b, a, RT0 + 1 * MS, "work");
  weft_builder_span_begin (b, c, RT0 + 1 * MS, "work");
  /* taking turns: 1 ms slices, the other one waits (runnable) */
  for (guint i = 0; i < 19; i++)
    {
      guint64 t = RT0 + (1 + i) * MS;
      guint core = (i / 3) % 2;
      guint32 tid = i % 2 ? 102 : 101;

      weft_builder_switch (b, cpu[core], t, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, tid);
      weft_builder_switch (b, cpu[core], t + MS - 50 * US, tid, WEFT_SWITCH_PREEMPTED,
                           WEFT_TID_IDLE);
    }
  /* both at once */
  weft_builder_switch (b, cpu[0], RT0 + 20 * MS, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 101);
  weft_builder_switch (b, cpu[1], RT0 + 20 * MS, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 102);
  weft_builder_switch (b, cpu[0], RT0 + 38 * MS, 101, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);
  weft_builder_switch (b, cpu[1], RT0 + 39 * MS, 102, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);
  weft_builder_span_end (b, a, RT0 + 38 * MS);
  weft_builder_span_end (b, c, RT0 + 39 * MS);
  weft_builder_thread_exit (b, a, RT0 + 38 * MS);
  weft_builder_thread_exit (b, c, RT0 + 39 * MS);
  weft_builder_switch (b, cpu[0], RT0 + 39 * MS + 500 * US, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED,
                       100);
  weft_builder_switch (b, cpu[0], RT0 + 40 * MS, 100, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);
}

/* One thread of nested spans, no scheduler data: wide spans with names,
 * names too long to fit, and runs of sub-pixel spans that merge; a second
 * thread with periodic spans. */
static inline void
render_util_build_spans (WeftBuilder *b)
{
  WeftBuilderStream p = render_util_thread (b, 200, 200, "parser");
  WeftBuilderStream w = render_util_thread (b, 200, 201, "writer");

  weft_builder_set_metadata (b, "cpu_count", "4");
  weft_builder_span_begin (b, p, RT0, "parse_file");
  weft_builder_span_begin (b, p, RT0 + 1 * MS, "tokenize");
  weft_builder_span_begin (b, p, RT0 + 2 * MS, "alloc");
  weft_builder_span_end (b, p, RT0 + 4 * MS);
  weft_builder_span_begin (b, p, RT0 + 5 * MS,
                           "a_span_name_far_too_long_to_fit_in_the_room_it_has");
  weft_builder_span_end (b, p, RT0 + 6 * MS);
  weft_builder_span_end (b, p, RT0 + 10 * MS);
  weft_builder_span_begin (b, p, RT0 + 11 * MS, "build_tree");
  for (guint i = 0; i < 600; i++)
    {
      guint64 t = RT0 + 12 * MS + i * 25 * US;

      weft_builder_span_begin (b, p, t, i % 3 ? "node" : "leaf");
      weft_builder_span_end (b, p, t + 10 * US);
    }
  weft_builder_span_end (b, p, RT0 + 29 * MS);
  weft_builder_span_end (b, p, RT0 + 30 * MS);
  for (guint i = 0; i < 6; i++)
    {
      weft_builder_span_begin (b, w, RT0 + (2 + 5 * i) * MS, "flush");
      weft_builder_span_end (b, w, RT0 + (4 + 5 * i) * MS);
    }
}

/* Two threads on two cores contending for a lock and waiting on a
 * condition: the state strips show running, lock wait, runnable and
 * blocked time. */
static inline void
render_util_build_states (WeftBuilder *b)
{
  WeftBuilderStream cpu[2] = { weft_builder_cpu (b, 0), weft_builder_cpu (b, 1) };
  WeftBuilderStream t1 = render_util_thread (b, 300, 300, "holder");
  WeftBuilderStream t2 = render_util_thread (b, 300, 301, "waiter");
  const guint64 lock = 0x1000, cond = 0x2000;

  weft_builder_set_metadata (b, "cpu_count", "2");
  weft_builder_set_metadata (b, "sched", "true");
  weft_builder_lock_name (b, t1, RT0, lock, "ledger");
  for (guint i = 0; i < 4; i++)
    {
      guint64 t = RT0 + i * 10 * MS;

      /* holder: runs 6 ms holding the lock, then blocks 4 ms */
      weft_builder_switch (b, cpu[0], t, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 300);
      weft_builder_lock_acquired (b, t1, t, lock);
      weft_builder_span_begin (b, t1, t, "update");
      weft_builder_span_end (b, t1, t + 6 * MS);
      weft_builder_lock_released (b, t1, t + 6 * MS, lock);
      weft_builder_switch (b, cpu[0], t + 6 * MS, 300, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
      /* waiter: runs 1 ms, waits for the lock until the holder lets go,
       * runs 2 ms, is preempted 1 ms, then sleeps in a condition wait */
      weft_builder_switch (b, cpu[1], t, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 301);
      weft_builder_lock_wait (b, t2, t + 1 * MS, lock);
      weft_builder_switch (b, cpu[1], t + 1 * MS, 301, WEFT_SWITCH_BLOCKED, WEFT_TID_IDLE);
      weft_builder_switch (b, cpu[1], t + 6 * MS, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 301);
      weft_builder_lock_acquired (b, t2, t + 6 * MS, lock);
      weft_builder_lock_released (b, t2, t + 7 * MS, lock);
      weft_builder_switch (b, cpu[1], t + 8 * MS, 301, WEFT_SWITCH_PREEMPTED, WEFT_TID_IDLE);
      weft_builder_switch (b, cpu[1], t + 9 * MS, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 301);
      weft_builder_cond_wait (b, t2, t + 9 * MS + 200 * US, cond, lock);
      weft_builder_switch (b, cpu[1], t + 9 * MS + 200 * US, 301, WEFT_SWITCH_BLOCKED,
                           WEFT_TID_IDLE);
      weft_builder_cond_woken (b, t2, t + 10 * MS, cond);
    }
  weft_builder_switch (b, cpu[0], RT0 + 41 * MS, WEFT_TID_IDLE, WEFT_SWITCH_BLOCKED, 300);
  weft_builder_switch (b, cpu[0], RT0 + 42 * MS, 300, WEFT_SWITCH_EXITED, WEFT_TID_IDLE);
}

/* An event loop running async tasks that suspend and resume, with flows
 * to a worker thread and back, and a counter of tasks in flight. Tasks
 * overlap, so they take two rows. Events are generated per stream, then
 * written in time order (a stream's times must not go back). */
typedef struct
{
  guint64 t;
  guint stream; /* 0 loop, 1 worker */
  guint what;
  guint64 id;
} RenderUtilEvent;

static inline int
render_util_event_cmp (gconstpointer a, gconstpointer b)
{
  const RenderUtilEvent *x = a, *y = b;

  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->what < y->what ? -1 : x->what > y->what;
}

static inline void
render_util_build_tasks (WeftBuilder *b)
{
  WeftBuilderStream s[2] = { render_util_thread (b, 400, 400, "loop"),
                             render_util_thread (b, 400, 401, "io-worker") };
  enum { BEGIN, STEP_BEGIN, FLOW_OUT, STEP_END, SUSPEND, IO_BEGIN, FLOW_IN, FLOW_BACK, IO_END,
         RESUME, FLOW_BACK_IN, END, N_WHAT };
  RenderUtilEvent ev[8 * N_WHAT];
  guint n = 0;

  weft_builder_set_metadata (b, "cpu_count", "2");
  for (guint i = 0; i < 8; i++)
    {
      guint64 t = RT0 + i * 4 * MS, id = 100 + i;
      const struct { guint64 at; guint stream; } when[N_WHAT] = {
        [BEGIN] = { t, 0 }, [STEP_BEGIN] = { t, 0 }, [FLOW_OUT] = { t + 500 * US, 0 },
        [STEP_END] = { t + 1 * MS, 0 }, [SUSPEND] = { t + 1 * MS, 0 },
        [IO_BEGIN] = { t + 2 * MS, 1 }, [FLOW_IN] = { t + 2 * MS, 1 },
        [FLOW_BACK] = { t + 3 * MS, 1 }, [IO_END] = { t + 3 * MS, 1 },
        [RESUME] = { t + 6 * MS, 0 }, [FLOW_BACK_IN] = { t + 6 * MS, 0 },
        [END] = { t + 7 * MS, 0 },
      };

      for (guint w = 0; w < N_WHAT; w++)
        ev[n++] = (RenderUtilEvent) { when[w].at, when[w].stream, w, id };
    }
  qsort (ev, n, sizeof ev[0], render_util_event_cmp);
  for (guint k = 0; k < n; k++)
    {
      WeftBuilderStream st = s[ev[k].stream];
      guint64 t = ev[k].t, id = ev[k].id;

      switch (ev[k].what)
        {
        case BEGIN:
          weft_builder_task_begin (b, st, t, id, id % 2 ? "fetch" : "notify");
          weft_builder_counter (b, st, t, "tasks in flight", (double) (1 + id % 3));
          break;
        case STEP_BEGIN:
          weft_builder_span_begin (b, st, t, "step");
          break;
        case FLOW_OUT:
          weft_builder_flow_begin (b, st, t, id);
          break;
        case STEP_END:
        case IO_END:
          weft_builder_span_end (b, st, t);
          break;
        case SUSPEND:
          weft_builder_task_suspend (b, st, t, id);
          break;
        case IO_BEGIN:
          weft_builder_span_begin (b, st, t, "io");
          break;
        case FLOW_IN:
          weft_builder_flow_end (b, st, t, id);
          break;
        case FLOW_BACK:
          weft_builder_flow_begin (b, st, t, id + 1000);
          break;
        case RESUME:
          weft_builder_task_resume (b, st, t, id);
          break;
        case FLOW_BACK_IN:
          weft_builder_flow_end (b, st, t, id + 1000);
          break;
        case END:
        default:
          weft_builder_task_end (b, st, t, id);
          break;
        }
    }
  weft_builder_counter (b, s[0], RT0 + 40 * MS, "tasks in flight", 0);
}

/* Counters of two processes: a resident size growing in steps, and a
 * value that goes below zero. */
static inline void
render_util_build_counters (WeftBuilder *b)
{
  WeftBuilderStream p1 = render_util_thread (b, 500, 500, "main");
  WeftBuilderStream p2 = weft_builder_thread (b, 510, 510);

  weft_builder_thread_name (b, p2, RT0, "child");
  weft_builder_process_name (b, p2, RT0, "helper");
  weft_builder_set_metadata (b, "cpu_count", "2");
  for (guint i = 0; i <= 40; i++)
    {
      guint64 t = RT0 + i * MS;

      weft_builder_counter (b, p1, t, "memory.rss", (double) (4096 * 1024 + (i / 5) * 3 * 1048576));
      weft_builder_counter (b, p2, t, "balance", 100.0 * ((int) (i % 10) - 4));
    }
  weft_builder_span_begin (b, p1, RT0, "grow");
  weft_builder_span_end (b, p1, RT0 + 40 * MS);
}

/* Spans with events lost in three places. */
static inline void
render_util_build_lost (WeftBuilder *b)
{
  WeftBuilderStream s = render_util_thread (b, 600, 600, "busy");

  weft_builder_set_metadata (b, "cpu_count", "1");
  for (guint i = 0; i < 20; i++)
    {
      weft_builder_span_begin (b, s, RT0 + i * 2 * MS, "tick");
      weft_builder_span_end (b, s, RT0 + i * 2 * MS + MS);
      if (i == 4 || i == 5 || i == 15)
        weft_builder_lost (b, s, RT0 + i * 2 * MS + 1500 * US, 1000 * (i + 1));
    }
}

/* Draws renderer over [start, end) at width × height (scale) with flags
 * into a new image surface. */
static inline cairo_surface_t *
render_util_draw (WeftRenderer *renderer, guint64 start, guint64 end, int width, int height,
                  double scale, guint flags, WeftTheme theme)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (width * scale),
                                                         (int) (height * scale));
  cairo_t *cr = cairo_create (surface);
  WeftViewport vp;

  weft_viewport_init (&vp, start, end, width, height);
  vp.scale = scale;
  vp.flags = flags;
  cairo_scale (cr, scale, scale);
  weft_renderer_draw (renderer, cr, &vp, weft_palette_get (theme));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}
