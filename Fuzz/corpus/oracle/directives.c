#if X
{
#else
{
#endif
}
/* { */ "}" '(' R"x()x" // [
