import NestingOracle
/// Prototypes laid out the GLib / GStreamer way: an availability macro on its own line, the
/// return type and name padded into columns, and one parameter per line aligned under the
/// opening parenthesis by a long run of spaces. A model has to keep that one `(` open across
/// several lines of mostly blanks, and close it at the `);` many columns to the right.
extension CBuilder {
    mutating func alignedPrototype() {
        line()
        if rng.chance(0.7) {
            w.put(rng.pick(["GLIB_AVAILABLE_IN_ALL", "GST_API", "GIO_AVAILABLE_IN_2_68", "GDK_AVAILABLE_IN_ALL",
                            "extern DECLSPEC", "G_GNUC_WARN_UNUSED_RESULT", "GLIB_DEPRECATED_IN_2_32_FOR(g_thread_new)"]))
            w.nlBare()
        }
        let ret = rng.pick(["gboolean", "GDBusMessage", "void", "gchar", "GstElement", "int", "const char", "GList", "gsize", "SDL_bool"])
        let stars = rng.pick(["", "*", "*", "**"])
        w.put(ret + String(repeating: " ", count: max(1, rng.int(in: 6...18) - ret.count)) + stars)
        w.put(functionName() + rng.pick(["", "_finish", "_sync", "_with_reply", "_full", "_async"]))
        w.put(rng.chance(0.6) ? String(repeating: " ", count: rng.int(in: 1...14)) : " ")
        w.open(.paren)
        let column = w.column
        let n = rng.int(in: 1...8)
        let typeWidth = rng.int(in: 12...24)
        for i in 0..<n {
            if i > 0 {
                w.put(","); w.nlBare()
                // Aligned with spaces, or tabs then spaces.
                if rng.chance(0.8) { w.put(String(repeating: " ", count: column)) }
                else { w.put(String(repeating: "\t", count: column / 8) + String(repeating: " ", count: column % 8)) }
            }
            if i == n - 1, n > 1, rng.chance(0.3) { w.put("GError"); w.put(String(repeating: " ", count: max(1, typeWidth - 6))); w.put("**error"); continue }
            if rng.chance(0.1) && canOpen(2) {
                w.put(rng.pick(["void", "gint", "gboolean"]) + " "); w.open(.paren); w.put("*\(rng.pick(Vocabulary.locals))_func"); w.close(.paren)
                w.put(" "); w.open(.paren); w.put(rng.pick(["gpointer data", "gconstpointer a, gconstpointer b", "void"])); w.close(.paren)
                continue
            }
            let type = rng.pick(["GDBusConnection", "GAsyncResult", "GCancellable", "gpointer", "gint", "const gchar", "GVariant",
                                 "guint32", "GstElement", "GAsyncReadyCallback", "SDL_Window", "Uint32", "GDestroyNotify", "gsize"])
            let ptr = rng.pick(["*", "*", " ", " ", "**"])
            w.put(type + String(repeating: " ", count: max(1, typeWidth - type.count)) + (ptr == " " ? "" : ptr) + rng.pick(Vocabulary.locals))
        }
        w.close(.paren)
        if rng.chance(0.2) && canOpen(1) { w.put(" G_GNUC_PRINTF "); w.open(.paren); w.put("\(rng.int(in: 1...3)), \(rng.int(in: 2...4))"); w.close(.paren) }
        w.put(";")
    }
}
