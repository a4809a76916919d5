/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-range.c: parses `--range A:B` exactly, in integers (1.5s is
 * 1,500,000,000 ns, never 1499999999 through a double).
 */
#include "weft-range.h"

#include <string.h>

G_DEFINE_QUARK (weft-range-error-quark, weft_range_error)

static const struct
{
  const char *suffix;
  guint64 ns;
} units[] = {
  { "ns", 1 },
  { "us", 1000 },
  { "ms", 1000000 },
  { "s", 1000000000 },
};

static gboolean
bad_time (const char *text, GError **error)
{
  g_set_error (error, WEFT_RANGE_ERROR, WEFT_RANGE_ERROR_INVALID,
               "bad time '%s': expected a number with an optional unit ns, us, ms or s", text);
  return FALSE;
}

gboolean
weft_range_parse_time (const char *text, guint64 *ns, GError **error)
{
  const char *p = text;
  unsigned __int128 whole = 0, frac = 0, frac_scale = 1, value, mult = 1;
  gboolean digits = FALSE;

  g_return_val_if_fail (text != NULL, FALSE);

  for (; g_ascii_isdigit (*p); p++)
    {
      whole = whole * 10 + (guint) (*p - '0');
      digits = TRUE;
      if (whole > G_MAXUINT64)
        goto too_large;
    }
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        {
          digits = TRUE;
          /* Beyond 18 digits nothing is left to resolve, even in ns of s. */
          if (frac_scale < G_GUINT64_CONSTANT (1000000000000000000))
            {
              frac = frac * 10 + (guint) (*p - '0');
              frac_scale *= 10;
            }
        }
    }
  if (!digits)
    return bad_time (text, error);
  if (*p != '\0')
    {
      gsize i;
      for (i = 0; i < G_N_ELEMENTS (units); i++)
        if (strcmp (p, units[i].suffix) == 0)
          break;
      if (i == G_N_ELEMENTS (units))
        return bad_time (text, error);
      mult = units[i].ns;
    }

  /* Rounded to the nearest ns. */
  value = whole * mult + (frac * mult + frac_scale / 2) / frac_scale;
  if (value > G_MAXUINT64)
    goto too_large;
  *ns = (guint64) value;
  return TRUE;

too_large:
  g_set_error (error, WEFT_RANGE_ERROR, WEFT_RANGE_ERROR_INVALID, "time '%s' is too large", text);
  return FALSE;
}

gboolean
weft_range_parse (const char *text, WeftRange *range, GError **error)
{
  const char *colon;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  WeftRange r = { 0 };

  g_return_val_if_fail (text != NULL, FALSE);

  colon = strchr (text, ':');
  if (colon == NULL || strchr (colon + 1, ':') != NULL)
    {
      g_set_error (error, WEFT_RANGE_ERROR, WEFT_RANGE_ERROR_INVALID,
                   "bad range '%s': expected A:B such as 1.5s:2s, 100ms:250ms or 2s:", text);
      return FALSE;
    }
  a = g_strstrip (g_strndup (text, colon - text));
  b = g_strstrip (g_strdup (colon + 1));
  if (*a != '\0')
    {
      if (!weft_range_parse_time (a, &r.start, error))
        return FALSE;
      r.has_start = TRUE;
    }
  if (*b != '\0')
    {
      if (!weft_range_parse_time (b, &r.end, error))
        return FALSE;
      r.has_end = TRUE;
    }
  if (r.has_start && r.has_end && r.end <= r.start)
    {
      g_set_error (error, WEFT_RANGE_ERROR, WEFT_RANGE_ERROR_INVALID,
                   "bad range '%s': its end is not after its start", text);
      return FALSE;
    }
  *range = r;
  return TRUE;
}

void
weft_range_resolve (const WeftRange *range, guint64 duration, guint64 *start, guint64 *end)
{
  *end = range->has_end ? MIN (range->end, duration) : duration;
  *start = range->has_start ? MIN (range->start, *end) : 0;
}
