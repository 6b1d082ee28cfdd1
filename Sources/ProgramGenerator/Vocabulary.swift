/// Word lists the C generator draws from: names and text that look like real C projects.
enum Vocabulary {
    static let types = ["int", "unsigned", "long", "char", "size_t", "ssize_t", "uint8_t", "uint16_t",
                        "uint32_t", "uint64_t", "int32_t", "int64_t", "double", "float", "bool", "off_t",
                        "unsigned char", "unsigned long", "const char *", "char *", "void *", "FILE *",
                        "struct node *", "struct buffer *", "sqlite3_int64", "u32", "u8", "i64", "__u32", "__u16",
                        "__be32", "__u8", "Py_ssize_t", "PyObject *", "const struct sockaddr *", "unsigned int", "long long"]
    static let scalarTypes = ["int", "unsigned", "long", "size_t", "uint32_t", "int64_t", "double", "char", "u8", "u16"]
    static let structNames = ["node", "buffer", "list", "entry", "parser", "token", "config", "ctx", "page",
                              "cursor", "hash_table", "stream", "header", "vec3", "point", "rect", "request"]
    static let fields = ["next", "prev", "len", "size", "cap", "data", "buf", "flags", "count", "key", "value",
                         "left", "right", "parent", "id", "name", "pos", "state", "type", "items", "head", "tail",
                         "x", "y", "z", "width", "height", "refcnt", "mode", "offset", "hash", "child"]
    static let locals = ["i", "j", "k", "n", "m", "rc", "ret", "err", "len", "sz", "p", "q", "s", "t", "buf",
                         "ptr", "node", "cur", "tmp", "idx", "pos", "count", "total", "result", "flags", "c",
                         "ch", "key", "val", "out", "in", "src", "dst", "nbytes", "offset", "cb", "ctx", "it"]
    static let arrays = ["buf", "table", "data", "argv", "items", "slots", "grid", "matrix", "lut", "hist",
                         "weights", "keys", "vals", "cells", "pages", "aOp", "azCol", "stack"]
    static let verbs = ["init", "free", "parse", "read", "write", "find", "insert", "remove", "update", "get",
                        "set", "push", "pop", "open", "close", "flush", "reset", "resize", "compare", "hash",
                        "copy", "append", "encode", "decode", "emit", "scan", "load", "store", "visit", "check"]
    static let nouns = ["node", "buffer", "list", "entry", "token", "header", "page", "cursor", "table", "key",
                        "value", "stream", "file", "block", "frame", "record", "field", "name", "path", "item"]
    static let prefixes = ["", "", "", "sqlite3", "xml", "png", "lua", "git", "uv", "http", "json", "str", "mem", "vec"]
    static let libcCalls = ["memcpy", "memset", "strlen", "strcmp", "strncpy", "malloc", "calloc", "realloc",
                            "free", "printf", "fprintf", "snprintf", "assert", "abs", "fopen", "fclose", "fread",
                            "fwrite", "qsort", "strchr", "memcmp", "atoi", "putchar", "exit", "abort"]
    static let macros = ["MAX_LEN", "BUF_SIZE", "NDEBUG", "DEBUG", "HAVE_CONFIG_H", "USE_MMAP", "SQLITE_OMIT_WAL",
                         "ENABLE_SIMD", "_WIN32", "__linux__", "HAVE_STDINT_H", "LIKELY", "UNUSED", "ARRAY_SIZE",
                         "MIN", "MAX", "CHECK", "LOG_LEVEL", "PAGE_SIZE", "NUM_SLOTS", "VERSION_MAJOR"]
    static let headers = ["stdio.h", "stdlib.h", "string.h", "stdint.h", "stddef.h", "assert.h", "errno.h",
                          "limits.h", "math.h", "ctype.h", "unistd.h", "stdbool.h", "pthread.h", "sys/types.h"]
    static let localHeaders = ["config.h", "util.h", "buffer.h", "list.h", "sqliteInt.h", "parser.h", "hash.h"]
    static let words = ["the", "a", "of", "to", "is", "if", "we", "this", "for", "and", "not", "must", "be",
                        "buffer", "length", "pointer", "returns", "caller", "owns", "memory", "error", "value",
                        "check", "list", "node", "when", "empty", "NULL", "zero", "size", "count", "free",
                        "table", "entry", "key", "index", "loop", "first", "last", "next", "page", "cursor",
                        "may", "can", "never", "always", "here", "so", "it", "in", "on", "handle", "case",
                        "doesn't", "can't", "it's", "don't", "caller's", "isn't", "won't", "that's", "we're",
                        "e.g.", "i.e.", "etc.", "--update", "Note:", "See", "\"foo\"", "'x'", "`len`", "we'll",
                        "Used", "internally", "by", "kernel", "allowed", "with", "only", "set", "bytes", "returns"]
    /// Code quoted inside comments: balanced or not, with quotes, as people write it.
    static let quotedCode = ["\"{[(\"", "'('", "')'", "'{'", "\"}\"", "`a[i]`", "foo(a, b)", "if (x) {", "} else {", "{ 0 }",
                             "\"%s)\"", "f(x", "a[i]]", "(void)", "x->buf[n]", "\"[\"", "\"(\" and \")\"", "'}' or ']'",
                             "`f(x)`", "{...}", "sizeof(x[0])", "\"a(b\"", "'['", "return (-1);"]
    /// Macros that wrap declarations in real headers.
    static let declMacros = ["PyAPI_FUNC", "PyAPI_DATA", "SQLITE_API", "LUA_API", "EXPORT", "GIT_EXTERN", "Z_EXTERN"]
    /// Parentheticals that real comments are full of (balanced, but still brackets the
    /// checker must ignore).
    static let asides = ["(if any)", "(in bytes)", "(optional)", "(NULL if none)", "(see below)", "(e.g. 0x10)",
                         "(i.e. the caller's)", "(default: 0)", "[0, n)", "(or -1 on error)", "(see foo())",
                         "(it's a hint)", "[in, out]", "(rare)", "{ a, b }", "(see RFC 1035)", "(x[i])"]
    /// Comment and string fragments that carry brackets: the distractors the lexer must ignore.
    static let brackety = ["(see above)", "f(x)", "[in]", "[out]", "{", "}", "(", ")", "[", "]", ":-)", ":)",
                           "(TODO)", "a[i]", "{ ... }", "foo()", "[0..n)", "(n > 0", "len)", "}}", "((",
                           "ptr->next)", "[1]", "struct { }", "map[key]", "(void)", "}{", "]]", "{@link}",
                           "x)", "(y", "[%d]", "{%s}", "(%zu)"]
    static let formats = ["%d", "%s", "%zu", "%u", "%x", "%p", "%ld", "%c", "%f", "%lld", "%08x", "%.2f"]
}
