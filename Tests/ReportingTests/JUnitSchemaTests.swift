import CLibXML2
import Foundation
import Testing
@testable import CheckReporting
import JUnit
import Linting

/// Validates JUnit output with libxml2's XML Schema validator against the Jenkins xunit-plugin
/// schemas (copies with their MIT header in Schemas/).
@Suite("JUnit XML against the Jenkins schemas")
struct JUnitSchemaTests {
    static func report() -> CheckReport {
        let files = [
            FileResult(path: "src/ok.c", status: .checked, valid: true, pValid: 0.99, message: "", bytes: 120),
            FileResult(path: "src/bad.c", status: .checked, valid: false, pValid: 0.03,
                       location: .init(line: 12, column: 5, offset: 300), message: "nesting breaks here: '}' closes '('",
                       exact: .init(valid: false, kind: "mismatched-closer", location: .init(line: 12, column: 5, offset: 300),
                                    message: "expected ')' but found '}'"), bytes: 400),
            FileResult(path: "weird \u{1}name<&>\"é.c", status: .checked, valid: false, pValid: 0.2,
                       location: .init(line: 1, column: 1, offset: 0), message: "control \u{7} and <markup> & \"quotes\"", bytes: 5),
            FileResult(path: "bin/blob.o.c", status: .skipped, message: "binary file (NUL bytes)"),
            FileResult(path: "missing.c", status: .error, message: "No such file or directory"),
        ]
        return CheckReport(files: files, engine: .both, modelName: "lstm-h64", modelPath: "default", modelSHA256: String(repeating: "ab", count: 32),
                           threshold: 0.5, version: "0.1.0", timestamp: "2026-11-22T10:00:00Z", hostname: "ci-host", seconds: 1234.56789)
    }

    func validate(_ xml: [UInt8], schema: String) throws -> Bool {
        LibXML2.initialize()
        let url = try #require(Bundle.module.url(forResource: schema, withExtension: "xsd", subdirectory: "Schemas"))
        let parserCtx = try #require(xmlSchemaNewParserCtxt(url.path))
        defer { xmlSchemaFreeParserCtxt(parserCtx) }
        let schemaPtr = try #require(xmlSchemaParse(parserCtx))
        defer { xmlSchemaFree(schemaPtr) }
        let doc = try #require(xml.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { xmlReadMemory($0, Int32(p.count), "junit.xml", nil, 0) }
        })
        defer { xmlFreeDoc(doc) }
        let valid = try #require(xmlSchemaNewValidCtxt(schemaPtr))
        defer { xmlSchemaFreeValidCtxt(valid) }
        xmlSchemaSetValidStructuredErrors(valid, { _, _ in }, nil)  // the verdict is the return code
        return xmlSchemaValidateDoc(valid, doc) == 0
    }

    @Test func validAgainstTheFileLineSchema() throws {
        let xml = try JUnitWriter.render(Self.report())
        #expect(try validate(xml, schema: "junit-10-fileline"))
        // The plain schema has no file/line on testcases: the default output is not valid there…
        #expect(try !validate(xml, schema: "junit-10"))
    }

    @Test func strictOutputValidAgainstThePlainSchema() throws {
        #expect(try validate(try JUnitWriter.render(Self.report(), strict: true), schema: "junit-10"))
    }

    @Test func contentOfTheReport() throws {
        let s = String(decoding: try JUnitWriter.render(Self.report()), as: UTF8.self)
        #expect(s.contains("<testsuite name=\"nestnet check\" tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\" time=\"1234.568\""))
        #expect(s.contains("<property name=\"model.sha256\" value=\"abab"))
        #expect(s.contains("classname=\"nestnet.lstm-h64\" name=\"src/bad.c\""))
        #expect(s.contains("file=\"src/bad.c\" line=\"12\""))
        #expect(s.contains("<failure type=\"nesting\" message=\"nesting breaks here: &apos;}&apos; closes &apos;(&apos; (p_valid=0.03, model lstm-h64)\">") ||
                s.contains("<failure type=\"nesting\" message=\"nesting breaks here: '}' closes '(' (p_valid=0.03, model lstm-h64)\">"))
        #expect(s.contains("src/bad.c:12:5: error:"))
        #expect(s.contains("<skipped message=\"binary file (NUL bytes)\"/>"))
        #expect(s.contains("<error type=\"unreadable\""))
        #expect(s.contains("weird \\u{1}name&lt;&amp;&gt;&quot;é.c"))
        #expect(s.components(separatedBy: "<testcase").count - 1 == 5)
        #expect(s.components(separatedBy: "<failure").count - 1 == 2)
    }

    @Test func invalidUTF8AndControlCharactersAreSanitised() throws {
        var r = Self.report()
        r.files[0].path = String(decoding: [0x61, 0xFF, 0xFE, 0x1B, 0x62, 0x2E, 0x63] as [UInt8], as: UTF8.self)
        let xml = try JUnitWriter.render(r)
        #expect(try validate(xml, schema: "junit-10-fileline"))
        #expect(String(decoding: xml, as: UTF8.self).contains("a\u{FFFD}\u{FFFD}\\u{1b}b.c"))
    }
}
