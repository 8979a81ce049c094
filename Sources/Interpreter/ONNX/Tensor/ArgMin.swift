import LockstepCore

/// ArgMin (opsets 1–13+): int64 index of the smallest element along `axis`; same attributes and
/// rules as ArgMax (`ArgExtremumKernel`).
enum ArgMinOp {
    static let registration = OpRegistration("ArgMin", versions: 1...Int.max, factory: ArgExtremumKernel.factory(largest: false))
}
