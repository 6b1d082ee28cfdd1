// Brackets inside strings, chars and comments do not count: "{[(" is not code.
#include <stdio.h>

static const char *open_brackets = "([{";
static const char close_brackets[] = { ')', ']', '}', '\0' };

int is_bracket(int c)
{
    /* '(' and ')' are brackets; so are '[' ']' and '{' '}' (see close_brackets[]) */
    switch (c) {
    case '(': case '[': case '{':
        return 1;
    case ')': case ']': case '}':
        return -1;
    default:
        return 0;
    }
}

void show(const char *s)
{
    printf("[%s] has %d opener(s) :-)\n", s, (int)(s[0] == '(' || s[0] == '{'));
}
