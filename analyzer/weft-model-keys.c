/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-model-keys.c: the build's keyed tables: what identifies a task,
 * a flow, a counter or a lock across events (ids, pids, addresses), and
 * the events of tasks and flows gathered for weft-model-post.c.
 */
#include "weft-model-build.h"

#include <string.h>

guint
weft_key_hash (gconstpointer key)
{
  const WeftKey *k = key;
  guint64 h = k->a * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  h ^= ((guint64) k->b << 32 | k->c) * G_GUINT64_CONSTANT (0xc2b2ae3d27d4eb4f);
  return (guint) (h ^ (h >> 29));
}

gboolean
weft_key_equal (gconstpointer a, gconstpointer b)
{
  const WeftKey *x = a, *y = b;

  return x->a == y->a && x->b == y->b && x->c == y->c;
}

/* Puts key at its slot in a table with room (no such key in it yet). */
static void
key_map_put (WeftKeyMap *map, const WeftKey *key, guint32 value)
{
  gsize i = weft_key_hash (key) & map->mask;

  while (map->values[i] != 0)
    i = (i + 1) & map->mask;
  map->keys[i] = *key;
  map->values[i] = value + 1;
}

static void
key_map_grow (WeftKeyMap *map)
{
  WeftKeyMap old = *map;
  gsize slots = old.mask == 0 ? 64 : (old.mask + 1) * 2;

  map->keys = g_new (WeftKey, slots);
  map->values = g_new0 (guint32, slots);
  map->mask = slots - 1;
  for (gsize i = 0; old.values != NULL && i <= old.mask; i++)
    if (old.values[i] != 0)
      key_map_put (map, &old.keys[i], old.values[i] - 1);
  g_free (old.keys);
  g_free (old.values);
}

guint32
_weft_key_lookup (WeftKeyMap *map, guint64 a, guint32 b, guint32 c, guint32 next)
{
  WeftKey key = { a, b, c };
  gsize i;

  if (map->mask != 0)
    for (i = weft_key_hash (&key) & map->mask; map->values[i] != 0; i = (i + 1) & map->mask)
      if (weft_key_equal (&map->keys[i], &key))
        return map->values[i] - 1;
  /* At most half full: probes stay short. */
  if (2 * (map->len + 1) > map->mask + 1)
    key_map_grow (map);
  key_map_put (map, &key, next);
  map->len++;
  return next;
}

void
_weft_key_map_clear (WeftKeyMap *map)
{
  g_clear_pointer (&map->keys, g_free);
  g_clear_pointer (&map->values, g_free);
  map->mask = 0;
  map->len = 0;
}

void
_weft_build_task_event (WeftBuild *b, guint32 pid, guint64 id, guint32 name, guint64 time,
                        WeftTaskOp op)
{
  guint slot = (guint) ((id * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 56);
  guint32 key;

  G_STATIC_ASSERT (G_N_ELEMENTS (b->task_cache_id) == 1 << 8);
  if (b->task_cache_key[slot] != 0 && b->task_cache_id[slot] == id
      && b->task_cache_pid[slot] == pid)
    key = b->task_cache_key[slot] - 1;
  else
    {
      key = _weft_key_lookup (&b->task_keys, id, pid, 0, b->task_key_ids.len);
      if (key == b->task_key_ids.len)
        {
          WeftVecU64_append (&b->task_key_ids, id);
          WeftVecU32_append (&b->task_key_pids, pid);
        }
      b->task_cache_id[slot] = id;
      b->task_cache_pid[slot] = pid;
      b->task_cache_key[slot] = key + 1;
    }
  if (name > WEFT_TASK_NAME_MASK)
    name = 0;
  *WeftVecTaskEvent_push (&b->task_events)
    = (WeftTaskEvent) { time, key, (guint32) op << 30 | name };
}

void
_weft_build_flow_event (WeftBuild *b, guint32 thread, guint64 id, guint64 time, gboolean end)
{
  guint32 key = _weft_key_lookup (&b->flow_keys, id, 0, 0, (guint32) b->flow_keys.len);

  *WeftVecFlowEvent_push (&b->flow_events)
    = (WeftFlowEvent) { time, key, thread << 1 | (end ? 1 : 0) };
}

guint32
_weft_build_counter_for (WeftBuild *b, guint32 pid, guint32 name)
{
  WeftModel *m = b->model;
  guint32 index = _weft_key_lookup (&b->counter_keys, name, pid, 0, m->n_counters);

  if (index == m->n_counters)
    {
      if (m->n_counters == b->counters_cap)
        {
          b->counters_cap = MAX (8, b->counters_cap * 2);
          m->counters = g_renew (WeftCounterData, m->counters, b->counters_cap);
        }
      memset (&m->counters[index], 0, sizeof (WeftCounterData));
      m->counters[index].pub.pid = pid;
      m->counters[index].pub.name = name;
      m->counters[index].pub.process = WEFT_MODEL_NONE;
      m->n_counters++;
    }
  return index;
}
