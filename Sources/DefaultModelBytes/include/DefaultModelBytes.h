#ifndef NESTNET_DEFAULT_MODEL_BYTES_H
#define NESTNET_DEFAULT_MODEL_BYTES_H
#include <stddef.h>

/// The shipped checkpoint (default-lstm.safetensors), compiled into the binary.
const unsigned char *nestnet_default_model_bytes(void);
/// Its size in bytes.
size_t nestnet_default_model_count(void);

#endif
