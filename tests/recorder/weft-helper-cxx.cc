// SPDX-License-Identifier: LGPL-2.1-or-later
//
// weft.h compiled as C++: extern "C" linkage, WEFT_SCOPE, names from
// std::string. Run by /weft/runtime/cxx with WEFT_TRACE set.
#include <string>

#include "weft.h"

namespace
{
void
scoped (int n)
{
  WEFT_SCOPE ("scope");
  weft_counter ("n", n);
}
} // namespace

int
main ()
{
  std::string name = "std::";

  weft_span_begin ("cxx");
  scoped (3);
  name += "string";
  weft_span_begin_copy (name.c_str ());
  weft_span_end ();
  weft_task_begin (1, "task");
  weft_task_end (1);
  weft_span_end ();
  return 0;
}
