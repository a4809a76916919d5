/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "weft-config.h"

#include "weft-session.h"

#include <string.h>

#include "weft-search.h"

struct _WeftSession
{
  GObject parent_instance;

  /* Owned references */
  WeftDocument *document;
  char *search_text;

  guint64 visible_start, visible_end;
  guint64 selection_start, selection_end;
  gboolean has_selection;
  WeftHit item;
  gboolean has_item;

  /* The search text's name ids (weft_session_get_search_name_mask), made
   * when first asked after the text or the document changed. */
  guint8 *search_mask;
  gsize search_mask_len;
  gboolean search_mask_valid;
};

G_DEFINE_FINAL_TYPE (WeftSession, weft_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  PROP_DURATION,
  PROP_VISIBLE_START,
  PROP_VISIBLE_END,
  PROP_HAS_SELECTION,
  PROP_SELECTION_START,
  PROP_SELECTION_END,
  PROP_SEARCH_TEXT,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
weft_session_finalize (GObject *object)
{
  WeftSession *self = WEFT_SESSION (object);

  g_clear_object (&self->document);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->search_mask, g_free);

  G_OBJECT_CLASS (weft_session_parent_class)->finalize (object);
}

static void
weft_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  WeftSession *self = WEFT_SESSION (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_DURATION:
      g_value_set_uint64 (value, weft_session_get_duration (self));
      break;
    case PROP_VISIBLE_START:
      g_value_set_uint64 (value, self->visible_start);
      break;
    case PROP_VISIBLE_END:
      g_value_set_uint64 (value, self->visible_end);
      break;
    case PROP_HAS_SELECTION:
      g_value_set_boolean (value, self->has_selection);
      break;
    case PROP_SELECTION_START:
      g_value_set_uint64 (value, self->selection_start);
      break;
    case PROP_SELECTION_END:
      g_value_set_uint64 (value, self->selection_end);
      break;
    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;
    case PROP_ITEM:
      g_value_set_pointer (value, (gpointer) weft_session_get_item (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_session_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  WeftSession *self = WEFT_SESSION (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      weft_session_set_document (self, g_value_get_object (value));
      break;
    case PROP_VISIBLE_START:
      weft_session_set_visible_range (self, g_value_get_uint64 (value), self->visible_end);
      break;
    case PROP_VISIBLE_END:
      weft_session_set_visible_range (self, self->visible_start, g_value_get_uint64 (value));
      break;
    case PROP_SEARCH_TEXT:
      weft_session_set_search_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
weft_session_class_init (WeftSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = weft_session_finalize;
  object_class->get_property = weft_session_get_property;
  object_class->set_property = weft_session_set_property;

  properties[PROP_DOCUMENT] = g_param_spec_object ("document", NULL, NULL,
                                                   WEFT_TYPE_DOCUMENT, rw);
  properties[PROP_DURATION] = g_param_spec_uint64 ("duration", NULL, NULL,
                                                   0, G_MAXUINT64, 0, ro);
  properties[PROP_VISIBLE_START] = g_param_spec_uint64 ("visible-start", NULL, NULL,
                                                        0, G_MAXUINT64, 0, rw);
  properties[PROP_VISIBLE_END] = g_param_spec_uint64 ("visible-end", NULL, NULL,
                                                      0, G_MAXUINT64, 0, rw);
  properties[PROP_HAS_SELECTION] = g_param_spec_boolean ("has-selection", NULL, NULL,
                                                         FALSE, ro);
  properties[PROP_SELECTION_START] = g_param_spec_uint64 ("selection-start", NULL, NULL,
                                                          0, G_MAXUINT64, 0, ro);
  properties[PROP_SELECTION_END] = g_param_spec_uint64 ("selection-end", NULL, NULL,
                                                        0, G_MAXUINT64, 0, ro);
  properties[PROP_SEARCH_TEXT] = g_param_spec_string ("search-text", NULL, NULL, "", rw);
  /* A const WeftHit *, or NULL. */
  properties[PROP_ITEM] = g_param_spec_pointer ("item", NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
weft_session_init (WeftSession *self)
{
  self->search_text = g_strdup ("");
}

WeftSession *
weft_session_new (void)
{
  return g_object_new (WEFT_TYPE_SESSION, NULL);
}

WeftDocument *
weft_session_get_document (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), NULL);
  return self->document;
}

WeftModel *
weft_session_get_model (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), NULL);
  return self->document != NULL ? weft_document_get_model (self->document) : NULL;
}

guint64
weft_session_get_duration (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->document != NULL ? weft_document_get_facts (self->document)->duration : 0;
}

/* Sets the visible range as given and notifies what changed. */
static void
store_visible (WeftSession *self, guint64 start, guint64 end)
{
  if (self->visible_start != start)
    {
      self->visible_start = start;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_START]);
    }
  if (self->visible_end != end)
    {
      self->visible_end = end;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE_END]);
    }
}

static void
store_selection (WeftSession *self, gboolean has, guint64 start, guint64 end)
{
  if (!has)
    start = end = 0;
  if (self->selection_start != start)
    {
      self->selection_start = start;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_START]);
    }
  if (self->selection_end != end)
    {
      self->selection_end = end;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTION_END]);
    }
  if (self->has_selection != has)
    {
      self->has_selection = has;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SELECTION]);
    }
}

void
weft_session_set_document (WeftSession *self, WeftDocument *document)
{
  g_return_if_fail (WEFT_IS_SESSION (self));
  g_return_if_fail (document == NULL || WEFT_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;
  self->search_mask_valid = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
  store_selection (self, FALSE, 0, 0);
  store_visible (self, 0, weft_session_get_duration (self));
  weft_session_set_item (self, NULL);
  g_object_thaw_notify (G_OBJECT (self));
}

guint64
weft_session_get_visible_start (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->visible_start;
}

guint64
weft_session_get_visible_end (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->visible_end;
}

void
weft_session_set_visible_range (WeftSession *self, guint64 start, guint64 end)
{
  guint64 duration, width;

  g_return_if_fail (WEFT_IS_SESSION (self));

  if (self->document == NULL)
    return;
  duration = weft_session_get_duration (self);

  if (end < start)
    {
      guint64 t = start;

      start = end;
      end = t;
    }
  width = end - start;
  if (width < WEFT_SESSION_MIN_VISIBLE_NS)
    {
      guint64 middle = start + width / 2;

      width = WEFT_SESSION_MIN_VISIBLE_NS;
      start = middle >= width / 2 ? middle - width / 2 : 0;
    }

  /* The whole trace is narrower than asked: show all of it. */
  if (width >= duration)
    {
      store_visible (self, 0, duration);
      return;
    }
  /* Slide the range inside the trace, keeping its width (overflow-safe:
   * width < duration here). */
  if (start > duration - width)
    start = duration - width;

  g_object_freeze_notify (G_OBJECT (self));
  store_visible (self, start, start + width);
  g_object_thaw_notify (G_OBJECT (self));
}

void
weft_session_zoom_to_fit (WeftSession *self)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (self->document == NULL)
    return;
  store_visible (self, 0, weft_session_get_duration (self));
}

gboolean
weft_session_get_has_selection (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), FALSE);
  return self->has_selection;
}

guint64
weft_session_get_selection_start (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->selection_start;
}

guint64
weft_session_get_selection_end (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), 0);
  return self->selection_end;
}

void
weft_session_set_selection (WeftSession *self, guint64 start, guint64 end)
{
  guint64 duration;

  g_return_if_fail (WEFT_IS_SESSION (self));

  if (self->document == NULL)
    return;
  duration = weft_session_get_duration (self);
  if (end < start)
    {
      guint64 t = start;

      start = end;
      end = t;
    }
  start = MIN (start, duration);
  end = MIN (end, duration);

  g_object_freeze_notify (G_OBJECT (self));
  store_selection (self, end > start, start, end);
  g_object_thaw_notify (G_OBJECT (self));
}

void
weft_session_clear_selection (WeftSession *self)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  g_object_freeze_notify (G_OBJECT (self));
  store_selection (self, FALSE, 0, 0);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
weft_session_get_search_text (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), NULL);
  return self->search_text;
}

void
weft_session_set_search_text (WeftSession *self, const char *text)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (text == NULL)
    text = "";
  if (g_strcmp0 (self->search_text, text) == 0)
    return;
  g_free (self->search_text);
  self->search_text = g_strdup (text);
  self->search_mask_valid = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEARCH_TEXT]);
}

const WeftHit *
weft_session_get_item (WeftSession *self)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), NULL);
  return self->has_item ? &self->item : NULL;
}

void
weft_session_set_item (WeftSession *self, const WeftHit *hit)
{
  g_return_if_fail (WEFT_IS_SESSION (self));

  if (hit == NULL || hit->kind == WEFT_HIT_NONE)
    {
      if (!self->has_item)
        return;
      self->has_item = FALSE;
      memset (&self->item, 0, sizeof self->item);
    }
  else
    {
      if (self->has_item && memcmp (&self->item, hit, sizeof *hit) == 0)
        return;
      self->item = *hit;
      self->has_item = TRUE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

const guint8 *
weft_session_get_search_name_mask (WeftSession *self, gsize *n)
{
  g_return_val_if_fail (WEFT_IS_SESSION (self), NULL);
  g_return_val_if_fail (n != NULL, NULL);

  if (!self->search_mask_valid)
    {
      g_clear_pointer (&self->search_mask, g_free);
      self->search_mask = weft_search_name_mask (weft_session_get_model (self),
                                                 self->search_text, &self->search_mask_len);
      self->search_mask_valid = TRUE;
    }
  *n = self->search_mask_len;
  return self->search_mask;
}
