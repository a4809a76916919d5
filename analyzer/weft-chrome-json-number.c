/* SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * weft-chrome-json-number.c: JSON numbers (and numbers written inside
 * strings) converted exactly, in decimal: Chrome's ts and dur are
 * microseconds with fractions, and a double would lose nanoseconds on
 * today's CLOCK_MONOTONIC values (1.2e15 ns needs 51 bits before the
 * fraction).
 */
#include "weft-chrome-json-private.h"

gboolean
_weft_json_is_object (const char *text, gsize len)
{
  WeftJson *j;
  WeftJsonToken tok;
  gboolean ok;

  if (len == 0 || text[0] != '{')
    return FALSE;
  j = _weft_json_new_memory ((const guint8 *) text, len);
  tok = _weft_json_next (j);
  ok = tok == WEFT_JSON_OBJECT_BEGIN && _weft_json_skip (j, tok)
       && _weft_json_next (j) == WEFT_JSON_EOF;
  _weft_json_free (j);
  return ok;
}

/* The common case, "123456.789" with at most `scale` decimals and no
 * exponent, in one pass; FALSE sends everything else to the general path. */
static inline gboolean
decimal_fast (const char *s, gsize len, int scale, gint64 *out)
{
  const char *e = s + len;
  guint64 v = 0;
  int frac = 0;

  if (len == 0 || len > 15)
    return FALSE;
  while (s < e && *s >= '0' && *s <= '9')
    v = v * 10 + (guint64) (*s++ - '0');
  if (s < e && *s == '.')
    {
      s++;
      while (s < e && *s >= '0' && *s <= '9' && frac < scale)
        {
          v = v * 10 + (guint64) (*s++ - '0');
          frac++;
        }
      if (frac == 0)
        return FALSE;
    }
  if (s != e)
    return FALSE;
  for (; frac < scale; frac++)
    v *= 10;
  *out = (gint64) v; /* 15 digits times 10^scale (scale <= 3 here) fits */
  return TRUE;
}

gboolean
_weft_json_decimal (const char *text, gsize len, int scale, gint64 *out)
{
  const char *s = text, *e = text + len, *int_start, *int_end, *frac_start = NULL, *frac_end = NULL;
  gboolean negative = FALSE, all_zero = TRUE;
  gint64 exp = 0, point, need;
  guint64 acc = 0, limit;
  gsize n_int, n_frac;

  if (scale >= 0 && scale <= 3 && decimal_fast (text, len, scale, out))
    return TRUE;
  /* Leading and trailing blanks are tolerated inside a string ("ts": " 12"). */
  while (s < e && g_ascii_isspace (*s))
    s++;
  while (e > s && g_ascii_isspace (e[-1]))
    e--;
  if (s < e && (*s == '-' || *s == '+'))
    negative = *s++ == '-';
  int_start = s;
  while (s < e && g_ascii_isdigit (*s))
    s++;
  int_end = s;
  if (s < e && *s == '.')
    {
      frac_start = ++s;
      while (s < e && g_ascii_isdigit (*s))
        s++;
      frac_end = s;
    }
  if (int_end == int_start && (frac_start == NULL || frac_end == frac_start))
    return FALSE;
  if (s < e && (*s == 'e' || *s == 'E'))
    {
      gboolean exp_negative = FALSE;
      const char *digits;

      s++;
      if (s < e && (*s == '+' || *s == '-'))
        exp_negative = *s++ == '-';
      digits = s;
      while (s < e && g_ascii_isdigit (*s))
        {
          if (exp < 1000000) /* beyond this every value overflows or is 0 */
            exp = exp * 10 + (*s - '0');
          s++;
        }
      if (s == digits)
        return FALSE;
      if (exp_negative)
        exp = -exp;
    }
  if (s != e)
    return FALSE;

  n_int = (gsize) (int_end - int_start);
  n_frac = frac_start != NULL ? (gsize) (frac_end - frac_start) : 0;
  for (const char *q = int_start; q < int_end && all_zero; q++)
    all_zero = *q == '0';
  for (gsize i = 0; i < n_frac && all_zero; i++)
    all_zero = frac_start[i] == '0';
  if (all_zero)
    {
      *out = 0;
      return TRUE;
    }

  /* The digits int ++ frac with the point after `point` of them; the
   * result is the first `need` digits as an integer, rounded on the next. */
  point = (gint64) n_int + exp;
  need = point + scale;
  limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
#define DIGIT(i)                                                                                   \
  ((gsize) (i) < n_int           ? int_start[(i)] - '0'                                            \
   : (gsize) (i) -n_int < n_frac ? frac_start[(gsize) (i) -n_int] - '0'                            \
                                 : 0)
  for (gint64 i = 0; i < need; i++)
    {
      int d = DIGIT (i);

      if (acc > (limit - (guint64) d) / 10)
        return FALSE;
      acc = acc * 10 + (guint64) d;
    }
  if (need >= 0 && (guint64) need < n_int + n_frac && DIGIT (need) >= 5)
    {
      if (acc >= limit)
        return FALSE;
      acc++;
    }
#undef DIGIT
  *out = negative ? (gint64) (0 - acc) : (gint64) acc;
  return TRUE;
}
