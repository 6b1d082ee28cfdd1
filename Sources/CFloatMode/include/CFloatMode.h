#ifndef NESTNET_C_FLOAT_MODE_H
#define NESTNET_C_FLOAT_MODE_H
#include <stdint.h>

/// Sets this thread's floating-point unit to flush subnormal results and inputs to zero
/// (x86-64: MXCSR FTZ and DAZ; AArch64: FPCR.FZ) and returns the previous control word for
/// `nestnet_float_mode_restore`. Elsewhere it changes nothing and returns 0.
/// Why: late in backpropagation through time gradients decay into the subnormal range, where
/// every multiply-add takes a slow microcode path (the training step at 1024+ steps ran 4-5x
/// slower in `nestnet bench` before training set this).
uint64_t nestnet_float_mode_flush_subnormals(void);

/// Restores a control word returned by `nestnet_float_mode_flush_subnormals`.
void nestnet_float_mode_restore(uint64_t previous);

/// Whether this thread currently flushes subnormals (for tests).
int nestnet_float_mode_flushes_subnormals(void);

#endif
