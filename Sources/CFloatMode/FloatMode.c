// Per-thread floating-point mode: flush subnormals to zero while training (CFloatMode.h).
#include "CFloatMode.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
// MXCSR bit 15: flush to zero (FTZ), bit 6: denormals are zero (DAZ).
static const unsigned int flushBits = 0x8040u;

uint64_t nestnet_float_mode_flush_subnormals(void) {
    unsigned int previous = _mm_getcsr();
    _mm_setcsr(previous | flushBits);
    return previous;
}

void nestnet_float_mode_restore(uint64_t previous) { _mm_setcsr((unsigned int)previous); }

int nestnet_float_mode_flushes_subnormals(void) { return (_mm_getcsr() & flushBits) == flushBits; }

#elif defined(__aarch64__)
// FPCR bit 24: flush to zero (FZ), for inputs and results alike.
static const uint64_t flushBit = (uint64_t)1 << 24;

static uint64_t readFPCR(void) {
    uint64_t value;
    __asm__ volatile("mrs %0, fpcr" : "=r"(value));
    return value;
}

static void writeFPCR(uint64_t value) { __asm__ volatile("msr fpcr, %0" : : "r"(value)); }

uint64_t nestnet_float_mode_flush_subnormals(void) {
    uint64_t previous = readFPCR();
    writeFPCR(previous | flushBit);
    return previous;
}

void nestnet_float_mode_restore(uint64_t previous) { writeFPCR(previous); }

int nestnet_float_mode_flushes_subnormals(void) { return (readFPCR() & flushBit) != 0; }

#else
uint64_t nestnet_float_mode_flush_subnormals(void) { return 0; }
void nestnet_float_mode_restore(uint64_t previous) { (void)previous; }
int nestnet_float_mode_flushes_subnormals(void) { return 0; }
#endif
