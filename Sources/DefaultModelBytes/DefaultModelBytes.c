// The shipped checkpoints' bytes (the default model and its second opinion), compiled into the executable so that one file is the whole
// tool (no resource bundle next to it). C23 #embed makes the build depend on the file: a new
// default-lstm.safetensors or second-opinion.safetensors (scripts/train-default.sh) rebuilds
// this, and nothing else does.
#include "DefaultModelBytes.h"
#pragma clang diagnostic ignored "-Wc23-extensions"

_Alignas(16) static const unsigned char bytes[] = {
#embed "default-lstm.safetensors"
};

const unsigned char *nestnet_default_model_bytes(void) { return bytes; }
size_t nestnet_default_model_count(void) { return sizeof bytes; }

_Alignas(16) static const unsigned char second[] = {
#embed "second-opinion.safetensors"
};

const unsigned char *nestnet_second_model_bytes(void) { return second; }
size_t nestnet_second_model_count(void) { return sizeof second; }
