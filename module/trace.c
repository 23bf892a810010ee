// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoints of altmm_trace.h, instantiated once for the module:
 * tracefs shows them under events/altmm/.
 */

#define CREATE_TRACE_POINTS
#include "altmm_trace.h"
