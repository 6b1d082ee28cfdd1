/* A fixed-size ring buffer of bytes (the caller owns the storage). */
#include <stddef.h>
#include <string.h>

struct ring {
    unsigned char *data;
    size_t cap;     /* capacity in bytes (a power of two) */
    size_t head;    /* next byte to read  */
    size_t tail;    /* next byte to write */
};

static size_t ring_used(const struct ring *r)
{
    return (r->tail - r->head) & (r->cap - 1);
}

size_t ring_write(struct ring *r, const unsigned char *src, size_t n)
{
    size_t room = r->cap - 1 - ring_used(r);
    if (n > room)
        n = room;
    for (size_t i = 0; i < n; i++) {
        r->data[(r->tail + i) & (r->cap - 1)] = src[i];
    }
    r->tail = (r->tail + n) & (r->cap - 1);
    return n;
}
