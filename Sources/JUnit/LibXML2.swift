import CLibXML2

/// libxml2 sets up its global state lazily on first use, which is not safe when first uses come
/// from several threads at once (a test run crashed inside libxml2 that way): `initialize()`
/// runs `xmlInitParser` exactly once, and everything here calls it before touching libxml2.
public enum LibXML2 {
    public static func initialize() { _ = once }
    private static let once: Void = { xmlInitParser() }()
}
