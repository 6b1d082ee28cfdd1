import CLibXML2
import FileSupport

/// JUnit XML for CI dashboards (Jenkins, GitLab, GitHub), written with libxml2's
/// `xmlTextWriter`, so escaping and well-formedness are libxml2's job: one `<testsuite>` per
/// run, one `<testcase>` per input file, a `<failure>` per invalid file, `<error>` for files
/// that could not be checked and `<skipped>` for skipped ones.
///
/// Valid against the Jenkins xunit-plugin `junit-10.xsd` with `strict`, otherwise against
/// `junit-10-fileline.xsd` (testcases also carry `file` and `line`, which GitLab reads).
public enum JUnitWriter {
    public static func render(_ r: CheckReport, strict: Bool = false) throws -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { throw NestNetError("libxml2: cannot allocate a buffer") }
        defer { xmlBufferFree(buffer) }
        guard let w = xmlNewTextWriterMemory(buffer, 0) else { throw NestNetError("libxml2: cannot create a writer") }
        var failed = false
        func check(_ rc: Int32) { if rc < 0 { failed = true } }
        func start(_ name: String) { check(xmlTextWriterStartElement(w, name)) }
        func end() { check(xmlTextWriterEndElement(w)) }
        func attr(_ name: String, _ value: String) { check(xmlTextWriterWriteAttribute(w, name, sanitize(value))) }
        func text(_ s: String) { check(xmlTextWriterWriteString(w, sanitize(s))) }

        check(xmlTextWriterSetIndent(w, 1))
        check(xmlTextWriterSetIndentString(w, "  "))
        check(xmlTextWriterStartDocument(w, "1.0", "UTF-8", nil))
        let tests = r.files.count, failures = r.invalidCount, errors = r.errorCount
        let time = fixed3(r.seconds)
        start("testsuites")
        attr("name", "nestnet"); attr("tests", "\(tests)"); attr("failures", "\(failures)"); attr("errors", "\(errors)"); attr("time", time)
        start("testsuite")
        attr("name", "nestnet check"); attr("tests", "\(tests)"); attr("failures", "\(failures)"); attr("errors", "\(errors)")
        attr("skipped", "\(r.skippedCount)"); attr("time", time); attr("timestamp", r.timestamp); attr("hostname", r.hostname)
        start("properties")
        for (k, v) in [("nestnet.version", r.version), ("engine", r.engine), ("model", r.modelName), ("model.path", r.modelPath),
                       ("model.sha256", r.modelSHA256), ("threshold", "\(r.threshold)"), ("bytes", "\(r.bytes)"),
                       ("disagreements", "\(r.disagreements)")] {
            start("property"); attr("name", k); attr("value", v); end()
        }
        end()
        let perFile = tests > 0 ? r.seconds / Double(tests) : 0
        for f in r.files {
            start("testcase")
            attr("classname", "nestnet.\(r.engine == "exact" ? "exact" : r.modelName)")
            attr("name", f.path)
            attr("time", fixed3(perFile))
            if !strict {
                attr("file", f.path)
                attr("line", "\(f.location?.line ?? 1)")
            }
            switch f.status {
            case .checked where f.valid == false:
                start("failure")
                attr("type", "nesting")
                attr("message", f.message)
                text(r.diagnostic(f) + (f.exact.map { "\nexact oracle: " + ($0.valid ? "valid" : ($0.location.map { "\(f.path):\($0.line):\($0.column): " } ?? "") + ($0.message ?? "invalid")) } ?? ""))
                end()
            case .checked:
                break
            case .error:
                start("error"); attr("type", "unreadable"); attr("message", f.message); text("\(f.path): \(f.message)"); end()
            case .skipped:
                start("skipped"); attr("message", f.message); end()
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

    /// Writes the report atomically.
    public static func write(_ r: CheckReport, to path: String, strict: Bool = false) throws {
        try AtomicFile.write(try render(r, strict: strict), to: path)
    }
}
