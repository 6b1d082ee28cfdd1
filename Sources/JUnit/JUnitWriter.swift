import CLibXML2
import NestNetSupport

/// JUnit XML for CI dashboards (Jenkins, GitLab, GitHub), written with libxml2's
/// `xmlTextWriter`, so escaping and well-formedness are libxml2's job.
///
/// With `strict` the output is valid against the Jenkins xunit-plugin `junit-10.xsd`;
/// otherwise testcases also carry `file`/`line` (valid against `junit-10-fileline.xsd`, and
/// read by GitLab) and their own `<properties>`.
public enum JUnitWriter {
    public static func render(_ suite: JUnitSuite, strict: Bool = false) throws -> [UInt8] {
        LibXML2.initialize()
        guard let buffer = xmlBufferCreate() else { throw NestNetError("libxml2: cannot allocate a buffer") }
        defer { xmlBufferFree(buffer) }
        guard let w = xmlNewTextWriterMemory(buffer, 0) else { throw NestNetError("libxml2: cannot create a writer") }
        var failed = false
        func check(_ rc: Int32) { if rc < 0 { failed = true } }
        func start(_ name: String) { check(xmlTextWriterStartElement(w, name)) }
        func end() { check(xmlTextWriterEndElement(w)) }
        func attr(_ name: String, _ value: String) { check(xmlTextWriterWriteAttribute(w, name, sanitize(value))) }
        func text(_ s: String) { check(xmlTextWriterWriteString(w, sanitize(s))) }
        func properties(_ ps: [(String, String)]) {
            start("properties")
            for (k, v) in ps { start("property"); attr("name", k); attr("value", v); end() }
            end()
        }

        check(xmlTextWriterSetIndent(w, 1))
        check(xmlTextWriterSetIndentString(w, "  "))
        check(xmlTextWriterStartDocument(w, "1.0", "UTF-8", nil))
        let tests = suite.cases.count, time = fixed(max(0, suite.seconds), 3)
        start("testsuites")
        attr("name", "nestnet"); attr("tests", "\(tests)"); attr("failures", "\(suite.failures)"); attr("errors", "\(suite.errors)"); attr("time", time)
        start("testsuite")
        attr("name", suite.name); attr("tests", "\(tests)"); attr("failures", "\(suite.failures)"); attr("errors", "\(suite.errors)")
        attr("skipped", "\(suite.skipped)"); attr("time", time); attr("timestamp", suite.timestamp); attr("hostname", suite.hostname)
        properties(suite.properties)
        for c in suite.cases {
            start("testcase")
            attr("classname", c.classname)
            attr("name", c.name)
            attr("time", fixed(max(0, c.seconds), 3))
            if !strict {
                if let f = c.file { attr("file", f) }
                if let l = c.line { attr("line", "\(l)") }
                if !c.properties.isEmpty { properties(c.properties) }
            }
            switch c.outcome {
            case .passed:
                break
            case let .failure(type, message, body):
                start("failure"); attr("type", type); attr("message", message); text(body); end()
            case let .error(type, message, body):
                start("error"); attr("type", type); attr("message", message); text(body); end()
            case let .skipped(message):
                start("skipped"); attr("message", message); end()
            }
            if strict && !c.properties.isEmpty {
                start("system-out"); text(c.properties.map { "\($0.0)=\($0.1)" }.joined(separator: "\n")); end()
            }
            end()
        }
        end()  // testsuite
        end()  // testsuites
        check(xmlTextWriterEndDocument(w))
        xmlFreeTextWriter(w)
        guard !failed, let content = xmlBufferContent(buffer) else { throw NestNetError("libxml2 failed to write the JUnit report") }
        let n = Int(xmlBufferLength(buffer))
        return Array(UnsafeBufferPointer(start: content, count: n))
    }

    /// Writes the suite atomically.
    public static func write(_ suite: JUnitSuite, to path: String, strict: Bool = false) throws {
        try AtomicFile.write(try render(suite, strict: strict), to: path)
    }
}
