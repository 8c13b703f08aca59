import Foundation
import Synchronization

/// The files one run writes (`--json`, `--html`, `--save-law`, a simulated panel's three files),
/// checked before any work and written as a group at the end.
///
/// Each path is resolved first (`OutputFiles.Destination.resolve`):
/// - `-`, `/dev/stdout` and other names of an open descriptor (`/dev/fd/N`, `/proc/self/fd/N`)
///   are written to that descriptor;
/// - a FIFO, a character device (`/dev/null`, a terminal) or a socket is opened and written
///   directly — it cannot be replaced, and must not be;
/// - a symbolic link is followed to its target, which is written as a regular file;
/// - a regular file (or a new one) is written to a temporary file in its own folder, flushed, and
///   renamed over it, so a reader sees the old file or the new one, never part of one. A file that
///   exists keeps its permission bits and owner; one the user could not write directly, or whose
///   owner cannot be kept, is refused rather than replaced.
/// - a folder is refused.
///
/// Refused before any work: two outputs on one file, and an output on a file the run reads (the
/// panel, a downstream file, a saved law, a part to merge) — compared by device and inode, so
/// links and relative spellings are seen through.
///
/// `write` is one group: every regular file's temporary copy is written first, then the direct
/// outputs, and only when all are complete are the copies renamed into place, with SIGINT and
/// SIGTERM deferred for the few microseconds of the renames (`OutputFiles.Interruption`). An
/// interrupted run therefore leaves all its files old or all new, and no temporary file behind.
public struct OutputFiles: Sendable {
    /// One requested output: the option or role that names it (`--json`) and the path as given.
    public struct Request: Sendable {
        public let label: String
        public let path: String

        public init(label: String, path: String) {
            self.label = label
            self.path = path
        }
    }

    public let destinations: [Destination]

    /// Resolves `requests` (nil paths: not requested) and checks them against each other and
    /// against `inputs` (paths the run reads; missing ones are ignored here — reading them fails
    /// with its own error).
    public init(_ requests: [(label: String, path: String?)], inputs: [String] = []) throws {
        destinations = try requests.compactMap { request in
            try request.path.map { try Destination.resolve(label: request.label, path: $0) }
        }
        try Self.checkDistinct(destinations)
        try check(notOverwriting: inputs)
    }

    /// Whether some output goes to standard output (the text report is then not printed there).
    public var usesStandardOutput: Bool {
        destinations.contains { if case .descriptor(1) = $0.kind { return true } else { return false } }
    }

    /// Whether an output is labelled `label`.
    public func contains(_ label: String) -> Bool { destinations.contains { $0.label == label } }

    /// Refuses an output on any of `inputs`, e.g. the panel or companion files found after the
    /// options were checked. O(outputs · inputs) `stat` calls.
    public func check(notOverwriting inputs: [String]) throws {
        for input in inputs {
            guard let identity = FileIdentity(path: input) else { continue }
            for destination in destinations where destination.identity == identity && !identity.isNullDevice {
                throw DataError.outputOverwritesInput(option: destination.label, path: destination.requested, input: input)
            }
        }
    }

    /// Writes every output: `contents[label]` for each destination (a missing label is a bug).
    /// Runtime failures (a full disk, a closed pipe) throw `OutputWriteError`.
    public func write(_ contents: [String: Data]) throws {
        let pending = destinations.map { destination -> (Destination, Data) in
            guard let data = contents[destination.label] else { preconditionFailure("no contents for output \(destination.label)") }
            return (destination, data)
        }
        var staged: [(temporary: String, final: String)] = []
        do {
            for (destination, data) in pending {
                guard case let .file(path, existing) = destination.kind else { continue }
                staged.append((try Self.stage(data, for: path, existing: existing, requested: destination.requested), path))
            }
            for (destination, data) in pending {
                switch destination.kind {
                case let .descriptor(descriptor):
                    try Self.writeAll(data, to: descriptor, path: destination.requested)
                case let .stream(path):
                    let descriptor = open(path, O_WRONLY | O_CLOEXEC)
                    guard descriptor >= 0 else { throw OutputWriteError(path: destination.requested, reason: Self.lastError()) }
                    defer { close(descriptor) }
                    try Self.writeAll(data, to: descriptor, path: destination.requested)
                case .file:
                    break
                }
            }
        } catch {
            for file in staged { Interruption.forget(file.temporary, remove: true) }
            throw error
        }
        try Interruption.committing {
            for (index, file) in staged.enumerated() where rename(file.temporary, file.final) != 0 {
                let reason = Self.lastError()
                for later in staged[index...] { Interruption.forget(later.temporary, remove: true) }
                let written = staged[..<index].map(\.final)
                throw OutputWriteError(
                    path: file.final,
                    reason: reason + (written.isEmpty ? "" : " (already replaced: \(written.joined(separator: ", ")))"))
            }
            for file in staged { Interruption.forget(file.temporary, remove: false) }
        }
    }

    /// Writes every output with the contents `produce(label)` makes — called only for the
    /// outputs requested, so a report nobody asked for is never rendered.
    public func write(_ produce: (String) throws -> Data) throws {
        var contents: [String: Data] = [:]
        for destination in destinations { contents[destination.label] = try produce(destination.label) }
        try write(contents)
    }

    /// Writes one output on its own (a library user's convenience; the command line writes groups).
    public static func write(_ data: Data, to path: String, label: String = "output") throws {
        try OutputFiles([(label, path)]).write([label: data])
    }

    // MARK: - Destinations

    /// Where one output goes.
    public struct Destination: Sendable {
        public enum Kind: Sendable, Equatable {
            /// An open file descriptor (`-` and `/dev/stdout` are 1).
            case descriptor(Int32)
            /// A FIFO, character device or socket, written directly.
            case stream(path: String)
            /// A regular file (new, or existing with the attributes it keeps), written atomically.
            case file(path: String, existing: ExistingFile?)
        }

        public let label: String
        /// The path as the user gave it.
        public let requested: String
        public let kind: Kind
        /// Device and inode of what will be written (nil for a new file).
        let identity: FileIdentity?
        /// The canonical path of a new file (its folder resolved), to compare two new outputs.
        let canonicalNewPath: String?

        /// Resolves `path`: follows symbolic links, classifies what is there, and refuses what
        /// cannot be written (a folder, a missing folder, a file the user may not write).
        public static func resolve(label: String, path: String) throws -> Destination {
            func refuse(_ reason: String) -> DataError { .unwritableFile(path: path, reason: reason) }
            if path == "-" {
                return Destination(label: label, requested: path, kind: .descriptor(1), identity: FileIdentity(descriptor: 1), canonicalNewPath: nil)
            }
            guard !path.isEmpty else { throw refuse("the path is empty") }
            let target = try followLinks(path)
            if let descriptor = openDescriptor(named: target) {
                guard fcntl(descriptor, F_GETFD) != -1 else { throw refuse("descriptor \(descriptor) is not open") }
                return Destination(
                    label: label, requested: path, kind: .descriptor(descriptor), identity: FileIdentity(descriptor: descriptor),
                    canonicalNewPath: nil)
            }
            var status = stat()
            if stat(target, &status) == 0 {
                let identity = FileIdentity(status)
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    throw refuse("it is a folder; give a file name")
                case S_IFIFO, S_IFCHR, S_IFSOCK:
                    guard access(target, W_OK) == 0 else { throw refuse(lastError()) }
                    return Destination(label: label, requested: path, kind: .stream(path: target), identity: identity, canonicalNewPath: nil)
                case S_IFREG:
                    guard access(target, W_OK) == 0 else {
                        throw refuse("you may not write it (\(lastError().lowercased())); obsscale does not replace files it could not write")
                    }
                    let existing = ExistingFile(mode: status.st_mode & 0o7777, owner: status.st_uid, group: status.st_gid)
                    if existing.owner != geteuid() && geteuid() != 0 {
                        throw refuse(
                            "it belongs to another user (uid \(existing.owner)); replacing it would change its owner — write to another path")
                    }
                    try checkFolder(of: target, path: path)
                    return Destination(
                        label: label, requested: path, kind: .file(path: target, existing: existing), identity: identity, canonicalNewPath: nil)
                default:
                    throw refuse("it is not a regular file, a FIFO or a device")
                }
            }
            guard errno == ENOENT else { throw refuse(lastError()) }
            let folder = try checkFolder(of: target, path: path)
            let name = (target as NSString).lastPathComponent
            return Destination(
                label: label, requested: path, kind: .file(path: target, existing: nil), identity: nil,
                canonicalNewPath: folder + "/" + name)
        }

        /// The folder of `target` must exist and be writable (the temporary file goes there);
        /// returns its canonical path.
        @discardableResult
        static func checkFolder(of target: String, path: String) throws -> String {
            let folder = (target as NSString).deletingLastPathComponent
            let directory = folder.isEmpty ? "." : folder
            var status = stat()
            guard stat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw DataError.unwritableFile(path: path, reason: "folder \(directory) does not exist")
            }
            guard access(directory, W_OK | X_OK) == 0 else {
                throw DataError.unwritableFile(path: path, reason: "folder \(directory) is not writable (\(lastError().lowercased()))")
            }
            return realpath(directory, nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            } ?? directory
        }

        /// `path` with every symbolic link (of the last component, repeatedly) replaced by its
        /// target; a dangling link gives the path it points to (which is then created).
        static func followLinks(_ path: String) throws -> String {
            var current = path
            for _ in 0..<40 {
                var status = stat()
                guard openDescriptor(named: current) == nil, lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else {
                    return current
                }
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(current, &buffer, buffer.count - 1)
                guard length > 0 else { return current }
                let destination = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current =
                    destination.hasPrefix("/")
                    ? destination : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
            }
            throw DataError.unwritableFile(path: path, reason: "too many levels of symbolic links")
        }

        /// The descriptor a path names: `/dev/stdout`, `/dev/stderr` and `/dev/fd/N` or
        /// `/proc/self/fd/N` (after links are followed, `/dev/stdout` is `/proc/self/fd/1`).
        static func openDescriptor(named path: String) -> Int32? {
            switch path {
            case "/dev/stdout": return 1
            case "/dev/stderr": return 2
            default:
                for prefix in ["/dev/fd/", "/proc/self/fd/", "/proc/\(getpid())/fd/"] where path.hasPrefix(prefix) {
                    return Int32(path.dropFirst(prefix.count))
                }
                return nil
            }
        }
    }

    /// What an existing file keeps when it is replaced.
    public struct ExistingFile: Sendable, Equatable {
        public let mode: mode_t
        public let owner: uid_t
        public let group: gid_t
    }

    /// Device and inode: the same file under any name.
    struct FileIdentity: Equatable, Sendable {
        let device: UInt64
        let inode: UInt64
        let isNullDevice: Bool

        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
            var null = stat()
            isNullDevice =
                status.st_mode & S_IFMT == S_IFCHR && stat("/dev/null", &null) == 0 && null.st_rdev == status.st_rdev
        }

        init?(path: String) {
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            self.init(status)
        }

        init?(descriptor: Int32) {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { return nil }
            self.init(status)
        }
    }

    /// Two outputs on one file are refused (both would be lost but one); the null device and
    /// terminals may take several.
    static func checkDistinct(_ destinations: [Destination]) throws {
        for (index, first) in destinations.enumerated() {
            for second in destinations[(index + 1)...] {
                let sameFile: Bool
                if let a = first.identity, let b = second.identity {
                    sameFile = a == b && !a.isNullDevice && !Self.isTerminal(second)
                } else if let a = first.canonicalNewPath, let b = second.canonicalNewPath {
                    sameFile = a == b
                } else {
                    sameFile = false
                }
                if sameFile { throw DataError.outputsCollide(first: first.label, second: second.label, path: second.requested) }
            }
        }
    }

    static func isTerminal(_ destination: Destination) -> Bool {
        switch destination.kind {
        case let .descriptor(descriptor): return isatty(descriptor) == 1
        case let .stream(path):
            let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            guard descriptor >= 0 else { return false }
            defer { close(descriptor) }
            return isatty(descriptor) == 1
        case .file: return false
        }
    }

    // MARK: - Writing

    /// Writes `data` to a new temporary file beside `path` (registered for removal on a signal),
    /// with the existing file's mode and owner, flushed to disk; returns its path.
    static func stage(_ data: Data, for path: String, existing: ExistingFile?, requested: String) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        for attempt in 0..<100 {
            let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).tmp-\(getpid())" + (attempt == 0 ? "" : "-\(attempt)")
            Interruption.register(temporary)
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, existing == nil ? 0o666 : 0o600)
            if descriptor < 0 {
                let code = errno
                Interruption.forget(temporary, remove: false)
                if code == EEXIST { continue }
                throw DataError.unwritableFile(path: requested, reason: "cannot create \(temporary): \(String(cString: strerror(code)))")
            }
            do {
                defer { close(descriptor) }
                if let existing {
                    if existing.owner != geteuid() || existing.group != getegid() {
                        if fchown(descriptor, existing.owner, existing.group) != 0 && existing.owner != geteuid() {
                            throw DataError.unwritableFile(path: requested, reason: "cannot keep its owner (uid \(existing.owner)): \(lastError())")
                        }
                    }
                    guard fchmod(descriptor, existing.mode) == 0 else { throw OutputWriteError(path: requested, reason: lastError()) }
                }
                try writeAll(data, to: descriptor, path: requested)
                guard fsync(descriptor) == 0 else { throw OutputWriteError(path: requested, reason: lastError()) }
            } catch {
                Interruption.forget(temporary, remove: true)
                throw error
            }
            return temporary
        }
        throw DataError.unwritableFile(path: requested, reason: "cannot create a temporary file in \(folder.isEmpty ? "." : folder)")
    }

    static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw OutputWriteError(path: path, reason: lastError())
                }
                offset += written
            }
        }
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}

/// A write that failed at run time — a full disk, an I/O error, a closed pipe — as opposed to a
/// path the user should change (`DataError.unwritableFile`). The command line exits with 1.
public struct OutputWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String

    public var description: String { "\(path): cannot write file: \(reason)" }
}

extension OutputFiles {
    /// What a SIGINT or SIGTERM handler needs to leave no temporary file and no half-replaced
    /// group: the temporary files being written (removed by the handler) and whether the renames
    /// are under way (the handler then only records the signal; `committing` acts on it when the
    /// group is complete). Everything here is lock-free, so the handler may use it.
    public enum Interruption {
        static let capacity = 64
        /// Temporary paths as C strings (slot i in use while non-nil); written only with signals
        /// seeing either the old or the new pointer.
        nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
            let slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
            slots.initialize(repeating: nil, count: capacity)
            return slots
        }()
        static let slotLock = Mutex(())
        /// 0: outputs not touched; 1: renaming; 2: every output written.
        static let phase = Atomic<Int>(0)
        static let deferredSignal = Atomic<Int32>(0)

        static func register(_ path: String) {
            let copy = strdup(path)
            slotLock.withLock { _ in
                for index in 0..<capacity where slots[index] == nil {
                    slots[index] = copy
                    return
                }
            }
        }

        static func forget(_ path: String, remove: Bool) {
            if remove { unlink(path) }
            slotLock.withLock { _ in
                for index in 0..<capacity {
                    if let slot = slots[index], strcmp(slot, path) == 0 {
                        slots[index] = nil  // not freed: a handler may be reading it
                        return
                    }
                }
            }
        }

        /// Runs the renames with signals deferred; a signal that arrived meanwhile is acted on
        /// after them (`handleSignal` exits the process).
        static func committing(_ body: () throws -> Void) throws {
            phase.store(1, ordering: .sequentiallyConsistent)
            defer {
                phase.store(2, ordering: .sequentiallyConsistent)
                let signal = deferredSignal.load(ordering: .sequentiallyConsistent)
                if signal != 0 { handleSignal(signal) }
            }
            try body()
        }

        /// For a SIGINT/SIGTERM handler (async-signal-safe: atomics, `unlink`, `write`, `_exit`):
        /// during the renames, records the signal and returns; otherwise removes the temporary
        /// files, says what was written, and exits with 128 + signal.
        public static func handleSignal(_ signal: Int32) {
            if phase.load(ordering: .sequentiallyConsistent) == 1 {
                deferredSignal.store(signal, ordering: .sequentiallyConsistent)
                return
            }
            for index in 0..<capacity {
                if let path = slots[index] { unlink(path) }
            }
            let message =
                phase.load(ordering: .sequentiallyConsistent) == 2
                ? "\nobsscale: interrupted after every output file was written\n"
                : "\nobsscale: interrupted; no output file was replaced\n"
            message.withCString { pointer in _ = Foundation.write(2, pointer, strlen(pointer)) }
            _exit(128 + signal)
        }
    }
}
