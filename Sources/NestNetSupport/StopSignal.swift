import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A polite stop: SIGTERM (what `scancel`, a Slurm requeue or preemption, a time limit and
/// `kill` send) or SIGINT (Ctrl-C) asks long work to stop at its next safe point, where the
/// trainer saves its state so that running the same command again resumes. A second signal
/// of the same kind ends the process at once.
public enum StopSignal {
    /// The signal that asked for a stop, or 0.
    static let received = Atomic<Int32>(0)

    /// Installs the handlers. A signal the process was started ignoring (SIGINT in a
    /// background job) stays ignored; one the parent left blocked is unblocked, since a
    /// launcher's mask must not make the stop wait for the end of the work.
    public static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT] {
            let old = signal(s) { sig in
                StopSignal.received.store(sig, ordering: .relaxed)
                signal(sig, SIG_DFL)  // a second one is not polite
            }
            if unsafeBitCast(old, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { signal(s, SIG_IGN) }
            sigaddset(&set, s)
        }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// The signal received since `install`, if any.
    public static var requested: Int32? {
        let s = received.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}

/// Thrown at a safe point after `StopSignal` saw a signal: the work saved what it had.
public struct StopRequested: Error, CustomStringConvertible, Sendable {
    public var signal: Int32
    /// What was saved and how to go on, e.g. "the training state is in X.state".
    public var saved: String

    public init(signal: Int32, saved: String) { self.signal = signal; self.saved = saved }

    public var description: String {
        let name = signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal \(signal)"
        return "stopped by \(name); \(saved)"
    }
}
