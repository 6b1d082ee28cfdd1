#ifndef NESTNET_DEFAULT_MODEL_BYTES_H
#define NESTNET_DEFAULT_MODEL_BYTES_H
#include <stddef.h>

/// The shipped 128-unit LSTM (default-lstm.safetensors), compiled into the binary.
const unsigned char *nestnet_default_model_bytes(void);
/// Its size in bytes.
size_t nestnet_default_model_count(void);
/// That LSTM's second opinion (second-opinion.safetensors): reads the files it flags
/// (`nestnet check --embedded lstm`).
const unsigned char *nestnet_second_model_bytes(void);
/// Its size in bytes.
size_t nestnet_second_model_count(void);
/// The stack network `nestnet check` reads every file with by default (stack-network.safetensors).
const unsigned char *nestnet_stack_model_bytes(void);
/// Its size in bytes.
size_t nestnet_stack_model_count(void);
/// The stack network that reads the files the first one breaks (stack-second.safetensors).
const unsigned char *nestnet_stack_second_model_bytes(void);
/// Its size in bytes.
size_t nestnet_stack_second_model_count(void);
/// The stack network that reads the files the first two break (stack-third.safetensors).
const unsigned char *nestnet_stack_third_model_bytes(void);
/// Its size in bytes.
size_t nestnet_stack_third_model_count(void);

#endif
