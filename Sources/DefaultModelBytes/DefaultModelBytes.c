// The shipped checkpoints' bytes, compiled into the executable so that one file is the whole
// tool (no resource bundle next to it): the three stack networks `check` reads with by default
// (stack-network.safetensors, stack-second.safetensors, stack-third.safetensors:
// scripts/train-stack.sh), and the 128-unit LSTM pair (default-lstm.safetensors,
// second-opinion.safetensors: scripts/train-default.sh), the default of the commands that read
// a final head and `check --embedded lstm`. C23 #embed makes the build depend on the files: a
// new checkpoint rebuilds this, and nothing else does.
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

_Alignas(16) static const unsigned char stack[] = {
#embed "stack-network.safetensors"
};

const unsigned char *nestnet_stack_model_bytes(void) { return stack; }
size_t nestnet_stack_model_count(void) { return sizeof stack; }

_Alignas(16) static const unsigned char stackSecond[] = {
#embed "stack-second.safetensors"
};

const unsigned char *nestnet_stack_second_model_bytes(void) { return stackSecond; }
size_t nestnet_stack_second_model_count(void) { return sizeof stackSecond; }

_Alignas(16) static const unsigned char stackThird[] = {
#embed "stack-third.safetensors"
};

const unsigned char *nestnet_stack_third_model_bytes(void) { return stackThird; }
size_t nestnet_stack_third_model_count(void) { return sizeof stackThird; }
