#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

int list_sum(const struct node *head)
{
    int sum = 0;
    while (head != NULL) {
        if (head->value > 0) {
            sum += head->value;
        head = head->next;
    }
    return sum;
}
