/* The SQLite pattern: two #ifdef branches each open the function's brace, and one
 * closer after #endif ends it. A naive bracket counter calls this file broken. */
#include <stdint.h>

#ifdef SQLITE_OMIT_FLOATING_POINT
static int64_t doubleToInt64(int64_t r) {
#else
static int64_t doubleToInt64(double r) {
#endif
  if (r < -9223372036854775807.0) {
    return INT64_MIN;
  }
  return (int64_t)r;
}

#if 0
  this old code is disabled and broken: f(x, [y);
#endif
