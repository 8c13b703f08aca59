import ObsScale
import Testing

/// The library half of split runs: part I of N as a range, which N a set of ranges follows, and
/// how `merge` prints the commands that recompute missing parts.
struct ShardTests {
    @Test func partsTileTheRunInOrderWithSizesWithinOne() {
        for total in [1, 2, 3, 7, 10, 40, 99, 1000, 1001] {
            for count in 1...min(total, 12) {
                let ranges = (0..<count).map { Shard.range(index: $0, count: count, total: total) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == total - 1)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound + 1 == $1.lowerBound })
                let sizes = ranges.map(\.count)
                #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1, "\(total) in \(count): \(sizes)")
                for (index, range) in ranges.enumerated() { #expect(Shard.index(of: range, count: count, total: total) == index) }
            }
        }
        #expect(Shard.range(index: 2, count: 4, total: 1000) == 500...749)
        #expect(Shard.range(index: 1, count: 3, total: 10) == 3...5)
        // Exact for totals near Int.max (the product index·total is taken in full width).
        #expect(Shard.range(index: 1, count: 2, total: Int.max) == (Int.max / 2)...(Int.max - 1))
    }

    @Test func theLayoutOfRangesIsFoundWhenOnlyOneCountFits() {
        #expect(Shard.partCount(of: [0...249, 750...999], total: 1000) == 4)
        #expect(Shard.partCount(of: [250...499], total: 1000) == 4)
        #expect(Shard.partCount(of: [0...7, 16...23], total: 40) == 5)
        #expect(Shard.partCount(of: [0...9, 15...29], total: 40) == nil)  // ranges chosen by hand
        #expect(Shard.partCount(of: [0...0], total: 1000) == nil)  // any N > 500 has a part 0..0
        #expect(Shard.partCount(of: [0...999], total: 1000) == 1)
        #expect(Shard.partCount(of: [5...3000], total: 1000) == nil)
    }

    @Test func requestsResolveOrSayWhatIsAllowed() throws {
        let total = Setting.fitBootstrapReplicateCount
        #expect(try ShardRequest.part(index: 3, count: 4).resolve(total: 10, totalSetting: total, environment: [:]).range == 7...9)
        #expect(throws: ShardError.self) { try ShardRequest.replicates(5...10).resolve(total: 10, totalSetting: total, environment: [:]) }
        let slurm = try ShardRequest.auto(count: nil).resolve(
            total: 10, totalSetting: total, environment: ["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "2"])
        #expect(slurm.range == 0...4 && slurm.index == 0 && slurm.count == 2)
        #expect(slurm.source == "SLURM_ARRAY_TASK_ID=0 of SLURM_ARRAY_TASK_COUNT=2")
        // Slurm before Kubernetes when both are set.
        let both = try ShardRequest.auto(count: 5).resolve(
            total: 10, totalSetting: total, environment: ["SLURM_ARRAY_TASK_ID": "4", "JOB_COMPLETION_INDEX": "0"])
        #expect(both.range == 8...9)
        #expect(throws: ShardError.self) {
            try ShardRequest.auto(count: nil).resolve(total: 10, totalSetting: total, environment: ["SLURM_ARRAY_TASK_ID": "x"])
        }
    }

    @Test func rerunCommandsAreQuotedForTheShellAndArraysCompressed() {
        #expect(MissingReplicates.arrayIndices([2]) == "2")
        #expect(MissingReplicates.arrayIndices([1, 2]) == "1,2")
        #expect(MissingReplicates.arrayIndices([0, 2, 5, 6, 7, 9]) == "0,2,5-7,9")
        #expect(
            MissingReplicates.shellQuoted(["obsscale", "fit", "--target", "gsm8k_cot_8_exact_match,flexible-extract", "--holdout", "a b", "it's"])
                == "obsscale fit --target gsm8k_cot_8_exact_match,flexible-extract --holdout 'a b' 'it'\\''s'")
        #expect(MissingReplicates.shellQuoted(["", "$HOME", "x;y"]) == "'' '$HOME' 'x;y'")
    }
}
