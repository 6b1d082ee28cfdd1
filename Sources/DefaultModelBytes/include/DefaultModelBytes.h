#ifndef NESTNET_DEFAULT_MODEL_BYTES_H
#define NESTNET_DEFAULT_MODEL_BYTES_H
#include <stddef.h>

/// The shipped checkpoint (default-lstm.safetensors), compiled into the binary.
const unsigned char *nestnet_default_model_bytes(void);
/// Its size in bytes.
size_t nestnet_default_model_count(void);
/// The second opinion's checkpoint (second-opinion.safetensors): reads the files the default
/// model flags (`nestnet check`).
const unsigned char *nestnet_second_model_bytes(void);
/// Its size in bytes.
size_t nestnet_second_model_count(void);

#endif
