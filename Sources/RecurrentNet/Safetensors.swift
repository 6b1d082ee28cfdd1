import NestNetSupport

/// `.safetensors` files: 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the raw little-endian F32 data. Metadata is a
/// string→string map under `__metadata__`.
public enum Safetensors {
    public struct Tensor: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
    }

    /// Serialises tensors (in the given order) with metadata.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String]) -> [UInt8] {
        var w = JSONWriter()
        var offset = 0
        w.object { o in
            o.field("__metadata__") { $0.object { m in for k in metadata.keys.sorted() { m.field(k, metadata[k]!) } } }
            for (name, t) in tensors {
                let bytes = t.values.count * 4
                o.field(name) { $0.object { e in
                    e.field("dtype", "F32"); e.field("shape", t.shape); e.field("data_offsets", [offset, offset + bytes])
                } }
                offset += bytes
            }
        }
        var h = w.bytes
        while (8 + h.count) % 8 != 0 { h.append(32) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + h.count + offset)
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { out.append(contentsOf: $0) }
        out += h
        for (_, t) in tensors {
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        return out
    }

    /// Parses a file's bytes; every structural problem is a one-line `NestNetError`.
    public static func decode(_ bytes: [UInt8], source: String) throws -> (tensors: [String: Tensor], order: [String], metadata: [String: String]) {
        func bad(_ why: String) -> NestNetError { NestNetError("\(source): not a valid safetensors checkpoint: \(why)") }
        guard bytes.count >= 8 else { throw bad("file is only \(bytes.count) bytes") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8), n <= 100_000_000 else { throw bad("header length \(n) exceeds the file (truncated?)") }
        let headerEnd = 8 + Int(n)
        let header: JSONValue
        do { header = try bytes[8..<headerEnd].withUnsafeBufferPointer { try JSONParser.parse($0) } }
        catch { throw bad("header is not JSON (\(error))") }
        guard case .object(let entries) = header else { throw bad("header is not a JSON object") }
        let dataCount = bytes.count - headerEnd
        var tensors: [String: Tensor] = [:], order: [String] = [], metadata: [String: String] = [:]
        for (name, info) in entries {
            if name == "__metadata__" {
                guard case .object(let kv) = info else { throw bad("__metadata__ is not an object") }
                for (k, v) in kv {
                    guard let s = v.string else { throw bad("metadata value for \(k) is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard info["dtype"]?.string == "F32" else { throw bad("tensor \(name) has dtype \(info["dtype"]?.string ?? "?"), expected F32") }
            guard let shapeV = info["shape"]?.array, let offs = info["data_offsets"]?.array, offs.count == 2,
                  let a = offs[0].int, let b = offs[1].int else { throw bad("tensor \(name) lacks shape or data_offsets") }
            let shape = try shapeV.map { v -> Int in
                guard let d = v.int, d >= 0 else { throw bad("tensor \(name) has an invalid shape") }
                return d
            }
            // Products of crafted dimensions must not trap: anything past the data is an error.
            var count = 1
            for d in shape {
                let (m, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, m <= dataCount / 4 else { throw bad("tensor \(name) has shape \(shape), larger than the \(dataCount) data bytes") }
                count = m
            }
            guard a >= 0, b >= a, b <= dataCount else { throw bad("tensor \(name) data [\(a), \(b)) lies outside the \(dataCount) data bytes (truncated?)") }
            guard b - a == count * 4 else { throw bad("tensor \(name): \(b - a) bytes for shape \(shape)") }
            var values = [Float](repeating: 0, count: count)
            let start = headerEnd + a
            for i in 0..<count {
                var u: UInt32 = 0
                for k in 0..<4 { u |= UInt32(bytes[start + 4 * i + k]) << (8 * UInt32(k)) }
                values[i] = Float(bitPattern: u)
            }
            tensors[name] = Tensor(shape: shape, values: values)
            order.append(name)
        }
        return (tensors, order, metadata)
    }
}

/// The largest checkpoint or training state read (1 GiB: far above any model here, which is
/// under 1 MB; the bound keeps a wrong path from filling memory).
public let maxCheckpointBytes = 1 << 30

/// The checkpoint format version NestNet writes and reads.
public let checkpointFormat = "nestnet-1"

extension RecurrentModel {
    /// The model's tensors by name, in layout order.
    public var namedTensors: [(String, Safetensors.Tensor)] {
        layout.specs.map { ($0.name, Safetensors.Tensor(shape: $0.shape, values: Array(parameters[$0.offset..<($0.offset + $0.count)]))) }
    }

    /// Metadata describing the architecture (merged into every checkpoint).
    public var architectureMetadata: [String: String] {
        ["format": checkpointFormat, "arch": config.arch.rawValue, "embed": "\(config.embed)",
         "hidden": "\(config.hidden)", "layers": "\(config.layers)", "step_outputs": "\(config.stepOutputs)"]
    }

    /// Writes the model atomically as `.safetensors` with extra metadata (training config,
    /// dataset fingerprint, metrics, …) and optional extra tensors (optimizer state).
    public func save(to path: String, metadata: [String: String] = [:], extraTensors: [(String, Safetensors.Tensor)] = []) throws {
        var meta = metadata
        for (k, v) in architectureMetadata { meta[k] = v }
        try AtomicFile.write(Safetensors.encode(namedTensors + extraTensors, metadata: meta), to: path)
    }

    /// A loaded checkpoint: the model, its metadata, and any extra (non-model) tensors.
    public struct Checkpoint {
        public var model: RecurrentModel
        public var metadata: [String: String]
        public var extraTensors: [String: Safetensors.Tensor]
    }

    /// Loads and checks a checkpoint: format, architecture, every tensor's name and shape.
    public static func load(from path: String) throws -> Checkpoint {
        try load(bytes: try checkpointBytes(path), source: path)
    }

    /// A checkpoint file's bytes (bounded by `maxCheckpointBytes`; errors as `NestNetError`).
    public static func checkpointBytes(_ path: String) throws -> [UInt8] {
        return try readFile(path, limit: maxCheckpointBytes)
    }

    public static func load(bytes: [UInt8], source: String) throws -> Checkpoint {
        let (tensors, _, meta) = try Safetensors.decode(bytes, source: source)
        func need(_ k: String) throws -> String {
            guard let v = meta[k] else { throw NestNetError("\(source): checkpoint metadata lacks \"\(k)\" (not a NestNet model?)") }
            return v
        }
        let format = try need("format")
        guard format == checkpointFormat else { throw NestNetError("\(source): checkpoint format \(format) is not \(checkpointFormat)") }
        guard let arch = Architecture(rawValue: try need("arch")) else { throw NestNetError("\(source): unknown architecture \(meta["arch"]!)") }
        func int(_ k: String) throws -> Int {
            guard let v = Int(try need(k)) else { throw NestNetError("\(source): metadata \(k) is not an integer") }
            return v
        }
        let config = ModelConfig(arch: arch, embed: try int("embed"), hidden: try int("hidden"),
                                 layers: try int("layers"), stepOutputs: Int(meta["step_outputs"] ?? "0") ?? 0)
        do { try config.validate() } catch let e as NestNetError { throw e.prefixed("\(source): ") }
        let layout = ParameterLayout(config)
        var params = [Float](repeating: 0, count: layout.count)
        for s in layout.specs {
            guard let t = tensors[s.name] else { throw NestNetError("\(source): missing tensor \(s.name) for \(config.shortName)") }
            guard t.shape == s.shape else {
                throw NestNetError("\(source): tensor \(s.name) has shape \(t.shape), expected \(s.shape) for \(config.shortName)")
            }
            guard t.values.allSatisfy({ $0.isFinite }) else { throw NestNetError("\(source): tensor \(s.name) holds non-finite values") }
            for i in 0..<s.count { params[s.offset + i] = t.values[i] }
        }
        let modelNames = Set(layout.specs.map(\.name))
        let extras = tensors.filter { !modelNames.contains($0.key) }
        if let stray = extras.keys.sorted().first(where: { $0.hasPrefix("rnn.") || $0.hasPrefix("head.") || $0.hasPrefix("embedding.") || $0.hasPrefix("step_head.") }) {
            throw NestNetError("\(source): unexpected tensor \(stray) for \(config.shortName)")
        }
        return Checkpoint(model: try RecurrentModel(config: config, parameters: params), metadata: meta, extraTensors: extras)
    }
}
