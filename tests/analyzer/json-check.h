/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * json-check.h: a strict little JSON parser for tests (RFC 8259: no
 * trailing commas, no comments, \u escapes with surrogates), so the
 * output of `weft stats --json` is read back and checked key by key
 * without a JSON library.
 */
#pragma once

#include <glib.h>
#include <stdlib.h>
#include <string.h>

typedef enum
{
  JC_NULL,
  JC_BOOL,
  JC_NUMBER,
  JC_STRING,
  JC_ARRAY,
  JC_OBJECT,
} JcType;

typedef struct _JcNode JcNode;
struct _JcNode
{
  JcType type;
  gboolean boolean;
  char *text;        /* a number's text or a string's value */
  GPtrArray *items;  /* JcNode*: array items or object values */
  GPtrArray *keys;   /* char*: object keys, in order */
};

static inline void
jc_free (JcNode *n)
{
  if (n == NULL)
    return;
  g_free (n->text);
  if (n->items)
    g_ptr_array_unref (n->items);
  if (n->keys)
    g_ptr_array_unref (n->keys);
  g_free (n);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JcNode, jc_free)

typedef struct
{
  const char *p;
} JcParser;

static inline void
jc_ws (JcParser *ps)
{
  while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')
    ps->p++;
}

static inline JcNode *jc_value (JcParser *ps, guint depth);

static inline char *
jc_string (JcParser *ps)
{
  GString *s = g_string_new (NULL);

  if (*ps->p != '"')
    goto fail;
  for (ps->p++; *ps->p != '"'; ps->p++)
    {
      unsigned char c = (unsigned char) *ps->p;
      if (c == '\0' || c < 0x20)
        goto fail;
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          continue;
        }
      ps->p++;
      switch (*ps->p)
        {
        case '"': g_string_append_c (s, '"'); break;
        case '\\': g_string_append_c (s, '\\'); break;
        case '/': g_string_append_c (s, '/'); break;
        case 'b': g_string_append_c (s, '\b'); break;
        case 'f': g_string_append_c (s, '\f'); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'u':
          {
            char hex[5] = { 0 };
            gunichar u;
            for (int i = 0; i < 4; i++)
              {
                if (!g_ascii_isxdigit (ps->p[1 + i]))
                  goto fail;
                hex[i] = ps->p[1 + i];
              }
            u = (gunichar) strtoul (hex, NULL, 16);
            ps->p += 4;
            if (u >= 0xd800 && u < 0xe000)
              goto fail; /* the writer never needs surrogates */
            g_string_append_unichar (s, u);
            break;
          }
        default:
          goto fail;
        }
    }
  ps->p++;
  if (!g_utf8_validate (s->str, s->len, NULL))
    goto fail;
  return g_string_free (s, FALSE);

fail:
  g_string_free (s, TRUE);
  return NULL;
}

static inline JcNode *
jc_value (JcParser *ps, guint depth)
{
  JcNode *n = g_new0 (JcNode, 1);

  jc_ws (ps);
  if (depth > 64)
    goto fail;
  if (*ps->p == '{' || *ps->p == '[')
    {
      gboolean object = *ps->p == '{';
      char close = object ? '}' : ']';

      n->type = object ? JC_OBJECT : JC_ARRAY;
      n->items = g_ptr_array_new_with_free_func ((GDestroyNotify) jc_free);
      if (object)
        n->keys = g_ptr_array_new_with_free_func (g_free);
      ps->p++;
      jc_ws (ps);
      if (*ps->p == close)
        {
          ps->p++;
          return n;
        }
      for (;;)
        {
          JcNode *item;
          jc_ws (ps);
          if (object)
            {
              char *key = jc_string (ps);
              if (key == NULL)
                goto fail;
              g_ptr_array_add (n->keys, key);
              jc_ws (ps);
              if (*ps->p++ != ':')
                goto fail;
            }
          item = jc_value (ps, depth + 1);
          if (item == NULL)
            goto fail;
          g_ptr_array_add (n->items, item);
          jc_ws (ps);
          if (*ps->p == ',')
            {
              ps->p++;
              continue;
            }
          if (*ps->p++ != close)
            goto fail;
          return n;
        }
    }
  if (*ps->p == '"')
    {
      n->type = JC_STRING;
      n->text = jc_string (ps);
      if (n->text == NULL)
        goto fail;
      return n;
    }
  if (strncmp (ps->p, "null", 4) == 0 || strncmp (ps->p, "true", 4) == 0)
    {
      n->type = ps->p[0] == 'n' ? JC_NULL : JC_BOOL;
      n->boolean = ps->p[0] == 't';
      ps->p += 4;
      return n;
    }
  if (strncmp (ps->p, "false", 5) == 0)
    {
      n->type = JC_BOOL;
      ps->p += 5;
      return n;
    }
  {
    /* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    const char *start = ps->p;
    if (*ps->p == '-')
      ps->p++;
    if (*ps->p == '0')
      ps->p++;
    else if (*ps->p >= '1' && *ps->p <= '9')
      while (g_ascii_isdigit (*ps->p))
        ps->p++;
    else
      goto fail;
    if (*ps->p == '.')
      {
        ps->p++;
        if (!g_ascii_isdigit (*ps->p))
          goto fail;
        while (g_ascii_isdigit (*ps->p))
          ps->p++;
      }
    if (*ps->p == 'e' || *ps->p == 'E')
      {
        ps->p++;
        if (*ps->p == '+' || *ps->p == '-')
          ps->p++;
        if (!g_ascii_isdigit (*ps->p))
          goto fail;
        while (g_ascii_isdigit (*ps->p))
          ps->p++;
      }
    n->type = JC_NUMBER;
    n->text = g_strndup (start, ps->p - start);
    return n;
  }

fail:
  jc_free (n);
  return NULL;
}

/* The whole text must be one value (and white space). */
static inline JcNode *
jc_parse (const char *text)
{
  JcParser ps = { text };
  JcNode *n = jc_value (&ps, 0);

  if (n == NULL)
    return NULL;
  jc_ws (&ps);
  if (*ps.p != '\0')
    {
      jc_free (n);
      return NULL;
    }
  return n;
}

static inline JcNode *
jc_get (JcNode *object, const char *key)
{
  g_assert_nonnull (object);
  g_assert_cmpint (object->type, ==, JC_OBJECT);
  for (guint i = 0; i < object->keys->len; i++)
    if (strcmp (g_ptr_array_index (object->keys, i), key) == 0)
      return g_ptr_array_index (object->items, i);
  g_error ("no key %s", key);
  return NULL;
}

static inline JcNode *
jc_at (JcNode *array, guint i)
{
  g_assert_nonnull (array);
  g_assert_cmpint (array->type, ==, JC_ARRAY);
  g_assert_cmpuint (i, <, array->items->len);
  return g_ptr_array_index (array->items, i);
}

/* An integer written as one (no point, no exponent). */
static inline guint64
jc_uint (JcNode *n)
{
  g_assert_nonnull (n);
  g_assert_cmpint (n->type, ==, JC_NUMBER);
  g_assert_null (strpbrk (n->text, ".eE-"));
  return g_ascii_strtoull (n->text, NULL, 10);
}

static inline double
jc_double (JcNode *n)
{
  g_assert_cmpint (n->type, ==, JC_NUMBER);
  return g_ascii_strtod (n->text, NULL);
}

/* The object's keys are exactly these, in this order. */
static inline void
jc_assert_keys (JcNode *object, const char *const *keys)
{
  guint n = 0;

  g_assert_cmpint (object->type, ==, JC_OBJECT);
  for (; keys[n] != NULL; n++)
    {
      g_assert_cmpuint (n, <, object->keys->len);
      g_assert_cmpstr (g_ptr_array_index (object->keys, n), ==, keys[n]);
    }
  g_assert_cmpuint (n, ==, object->keys->len);
}
