/// Results written by index from several threads at once, each index by exactly one thread
/// (`DispatchQueue.concurrentPerform` over disjoint indices), read after all have finished.
public final class IndexedSlots<T>: @unchecked Sendable {
    public private(set) var items: [T]
    public init(repeating value: T, count: Int) { items = Array(repeating: value, count: count) }
    public func set(_ i: Int, _ value: T) { items.withUnsafeMutableBufferPointer { $0[i] = value } }
}
