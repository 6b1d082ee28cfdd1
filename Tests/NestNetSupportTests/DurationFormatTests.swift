import Testing
@testable import NestNetSupport

/// Durations print as `42s`, `3m07s`, `2h05m`; an ETA from a zero or tiny pace (infinite, NaN,
/// past Int's range, negative from clock skew) prints a word instead of trapping.
@Suite("Duration format")
struct DurationFormatTests {
    @Test func printsSecondsMinutesAndHours() {
        #expect(formatDuration(42.4) == "42s")
        #expect(formatDuration(187) == "3m07s")
        #expect(formatDuration(7500) == "2h05m")
    }

    @Test func extremeEstimatesDoNotTrap() {
        #expect(formatDuration(.infinity) == "a very long time")
        #expect(formatDuration(1e300) == "a very long time")
        #expect(formatDuration(.nan) == "unknown")
        #expect(formatDuration(-1e300) == "0s")
        #expect(formatDuration(-3) == "0s")
    }
}
