/// One JUnit `<testsuite>`: what `JUnitWriter` renders. Lint runs (one testcase per file) and
/// experiment reports (one testcase per architecture and length) both map onto it.
public struct JUnitSuite: Sendable {
    public var name: String
    public var timestamp: String
    public var hostname: String
    public var seconds: Double
    /// Suite `<properties>`, in order.
    public var properties: [(String, String)]
    public var cases: [JUnitCase]

    public init(name: String, timestamp: String, hostname: String, seconds: Double, properties: [(String, String)], cases: [JUnitCase]) {
        self.name = name; self.timestamp = timestamp; self.hostname = hostname; self.seconds = seconds
        self.properties = properties; self.cases = cases
    }

    public var failures: Int { cases.filter { if case .failure = $0.outcome { true } else { false } }.count }
    public var errors: Int { cases.filter { if case .error = $0.outcome { true } else { false } }.count }
    public var skipped: Int { cases.filter { if case .skipped = $0.outcome { true } else { false } }.count }
}

/// One `<testcase>`.
public struct JUnitCase: Sendable {
    public enum Outcome: Sendable {
        case passed
        case failure(type: String, message: String, body: String)
        case error(type: String, message: String, body: String)
        case skipped(message: String)
    }
    public var classname: String
    public var name: String
    public var seconds: Double
    /// `file`/`line` attributes (GitLab reads them; not in the strict Jenkins schema).
    public var file: String?
    public var line: Int?
    /// Testcase `<properties>` (pytest's style, read by Jenkins and GitLab; not in the strict
    /// schema, where they are written to `<system-out>` instead).
    public var properties: [(String, String)]
    public var outcome: Outcome

    public init(classname: String, name: String, seconds: Double, file: String? = nil, line: Int? = nil,
                properties: [(String, String)] = [], outcome: Outcome) {
        self.classname = classname; self.name = name; self.seconds = seconds; self.file = file; self.line = line
        self.properties = properties; self.outcome = outcome
    }
}
