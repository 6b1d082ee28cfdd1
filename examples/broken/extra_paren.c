#include <stdio.h>

/* Prints a greeting (and returns 0). */
int main(int argc, char **argv)
{
    const char *who = argc > 1 ? argv[1] : "world";
    printf("hello, %s\n", who));
    return 0;
}
