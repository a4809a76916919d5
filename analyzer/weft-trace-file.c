/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PLACEHOLDER: being written; replace this whole file. */
typedef int weft_placeholder_weft_trace_file;
