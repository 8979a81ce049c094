import CSIMD
import LockstepCore

/// A chain of elementwise ops (`ElementwiseFusion`) computed in one blocked pass: for each block
/// of `blockSize` consecutive output elements every member runs in schedule order on
/// cache-resident scratch, so the chain reads its inputs and writes its results once instead of
/// one full pass over memory per op. Every value equals, bit for bit, what the unfused ops give
/// (`ElementwiseFunction`).
///
/// The blocked path needs, at run time: all inputs float32 (or all float64) tensors whose
/// shapes broadcast, single-element inputs where an op requires them (Clip's bounds), and every
/// member either of the shape of the last member ("full") or not depending on a full member.
/// Members of another shape (a HardSigmoid of a pooled `[N, C, 1, 1]` tensor scaling a full
/// `[N, C, H, W]` one) run first, unfused, and are broadcast into the pass like inputs. When the
/// conditions do not hold (float16, integers, a bad shape) the members run one by one exactly as
/// unfused steps, with their own names in errors.
///
/// Outputs: one per member, in member order; a member's value is materialised when it is
/// needed outside the chain or kept by the run (`RunOptions.intermediates`), and nil otherwise.
struct FusedElementwiseKernel: Kernel {
    /// The op name fused steps carry (in profiles and messages).
    static let op = OpIdentifier(domain: "lockstep", name: "FusedElementwise")
    /// Elements per block: a few scratch rows of this size stay in L1.
    static let blockSize = 512

    /// Where a member's operand comes from.
    enum Operand: Sendable, Equatable {
        /// Input `k` of the fused step.
        case external(Int)
        /// The value of member `k` (an earlier member).
        case member(Int)
        /// An omitted optional input.
        case absent
    }

    struct Member: @unchecked Sendable {
        let label: String
        let node: Node
        let kernel: any Kernel
        let function: ElementwiseFunction
        let operands: [Operand]
        /// Needed outside the chain (a later step or a graph output reads it).
        let alwaysMaterialised: Bool
    }

    let members: [Member]

    /// Where a full member's operand is read in the blocked pass: a leaf tensor (an input, or a
    /// member computed beforehand), the block of an earlier full member, or nothing.
    enum Source { case leaf(Int), register(Int), absent }

    func evaluate(_ inputs: [Value?], context: ExecutionContext) throws -> [Value?] {
        let keep = members.map { $0.alwaysMaterialised || context.policy.keeps($0.node.outputs[0]) }
        var tensors: [Tensor] = []
        tensors.reserveCapacity(inputs.count)
        for value in inputs {
            guard case .tensor(let t)? = value else { return try unfused(inputs, keep: keep, context: context) }
            tensors.append(t)
        }
        let dtype = tensors.first?.dtype
        if tensors.allSatisfy({ $0.dtype == dtype }) {
            if dtype == .float32, let r = try blocked(Float.self, tensors, keep: keep, context: context, \.float32) { return r }
            if dtype == .float64, let r = try blocked(Double.self, tensors, keep: keep, context: context, \.float64) { return r }
        }
        return try unfused(inputs, keep: keep, context: context)
    }

    // MARK: Unfused

    /// The members one by one, as the executor would run them as separate steps.
    func unfused(_ inputs: [Value?], keep: [Bool], context: ExecutionContext) throws -> [Value?] {
        var values = [Value?](repeating: nil, count: members.count)
        for (m, member) in members.enumerated() {
            values[m] = try run(member, member.operands.map { operand in
                switch operand {
                case .external(let k): return inputs[k]
                case .member(let k): return values[k]
                case .absent: return nil
                }
            }, context: context)
        }
        return zip(values, keep).map { $1 ? $0 : nil }
    }

    /// Runs one member's own kernel; errors name the member, as the executor names a step.
    func run(_ member: Member, _ args: [Value?], context: ExecutionContext) throws -> Value? {
        do {
            let infos = try member.kernel.prepare(args, context: context)
            let results = try member.kernel.evaluate(args, context: context)
            guard let first = results.first else { throw KernelError("produced no output") }
            if let info = infos.first ?? nil, case .tensor(let t)? = first, TensorInfo(t) != info {
                throw KernelError("internal error: output 0 is \(TensorInfo(t)), prepare said \(info)")
            }
            return first
        } catch let error as KernelError {
            let op = member.node.op.qualifiedName
            if error.unsupported {
                throw InterpreterError.unsupportedOp(name: member.label, op: op, version: member.node.op.version, suggestions: [], reason: error.reason)
            }
            throw InterpreterError.node(name: member.label, op: op, reason: error.reason)
        }
    }

    // MARK: Blocked

    /// The blocked pass in element type `T`, or nil when its conditions do not hold.
    func blocked<T: BLASFloat>(_: T.Type, _ tensors: [Tensor], keep: [Bool], context: ExecutionContext,
                               _ select: (ElementwiseFunction) -> BlockFunction<T>) throws -> [Value?]? {
        // Shapes of every member; single-element requirements.
        var shapes: [[Int]] = []
        shapes.reserveCapacity(members.count)
        for member in members {
            var operandShapes: [[Int]] = []
            for (i, operand) in member.operands.enumerated() {
                let shape: [Int]
                switch operand {
                case .external(let k): shape = tensors[k].shape
                case .member(let k): shape = shapes[k]
                case .absent: continue
                }
                if member.function.scalarInputs.contains(i) && shape.reduce(1, *) != 1 { return nil }
                operandShapes.append(shape)
            }
            guard let shape = try? Broadcast.shape(operandShapes) else { return nil }
            shapes.append(shape)
        }
        let full = shapes[shapes.count - 1]
        let isFull = shapes.map { $0 == full }
        // Members of another shape run first, unfused; they must not read a full member.
        var values = [Value?](repeating: nil, count: members.count)
        for (m, member) in members.enumerated() where !isFull[m] {
            for case .member(let k) in member.operands where isFull[k] { return nil }
            values[m] = try run(member, member.operands.map { operand in
                switch operand {
                case .external(let k): return .tensor(tensors[k])
                case .member(let k): return values[k]
                case .absent: return nil
                }
            }, context: context)
        }

        // Leaves of the pass: inputs and small members read by full members.
        var leafTensors: [Tensor] = []
        var leafOfExternal: [Int: Int] = [:], leafOfMember: [Int: Int] = [:]
        var sources: [[Source]] = []
        for (m, member) in members.enumerated() {
            guard isFull[m] else { sources.append([]); continue }
            var list: [Source] = []
            for operand in member.operands {
                switch operand {
                case .external(let k):
                    if leafOfExternal[k] == nil { leafOfExternal[k] = leafTensors.count; leafTensors.append(tensors[k]) }
                    list.append(.leaf(leafOfExternal[k]!))
                case .member(let k) where isFull[k]:
                    list.append(.register(k))
                case .member(let k):
                    guard case .tensor(let t)? = values[k], t.dtype == T.dtype else { return nil }
                    if leafOfMember[k] == nil { leafOfMember[k] = leafTensors.count; leafTensors.append(t) }
                    list.append(.leaf(leafOfMember[k]!))
                case .absent:
                    list.append(.absent)
                }
            }
            sources.append(list)
        }

        // The output shape joins the broadcast so the loop always spans it.
        let loop = try BroadcastLoop(leafTensors.map(\.shape) + [full])
        let readers = try leafTensors.map { try ElementReader($0, as: T.self) }
        let leaves = readers.map(\.pointer)
        let steps = loop.rowSteps
        let fullMembers = members.indices.filter { isFull[$0] }
        let block = Self.blockSize
        // Kept members write straight into their tensor (`outputs`); the rest into scratch blocks.
        var outputs = [OutputBuffer<T>?](repeating: nil, count: members.count)
        for m in fullMembers where keep[m] { outputs[m] = try OutputBuffer<T>(T.dtype, shape: full) }
        let scratchMembers = fullMembers.filter { !keep[$0] }
        let scratch = OutputBuffer<T>(count: max(1, scratchMembers.count * block))
        var registers = [UnsafeMutablePointer<T>?](repeating: nil, count: members.count)
        for (i, m) in scratchMembers.enumerated() { registers[m] = scratch.pointer + i * block }
        let bases = outputs.map { $0?.pointer }
        let functions = members.map { select($0.function) }

        let length = loop.rowLength
        var rows = loop.rows()
        if T.self == Float.self,
           let program = Self.chainProgram(members, full: fullMembers, sources: sources,
                                           leaves: leaves.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) }) {
            // Every block of every member inside C: the same loops, no Swift code per block.
            let count = program.count
            let chainScratch = OutputBuffer<Float>(count: max(1, count * block))
            let leafRow = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: max(1, leaves.count))
            let scalar = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, leaves.count))
            let outRow = UnsafeMutablePointer<UnsafeMutablePointer<Float>?>.allocate(capacity: max(1, count))
            defer { leafRow.deallocate(); scalar.deallocate(); outRow.deallocate() }
            for l in leaves.indices { scalar[l] = steps[l] == 0 ? 1 : 0 }
            program.withUnsafeBufferPointer { ops in
                // Consumes every row, so the Swift loop below runs none.
                while rows.next() {
                    for l in leaves.indices { leafRow[l] = UnsafeRawPointer(leaves[l] + rows.offsets[l]).assumingMemoryBound(to: Float.self) }
                    for (i, m) in fullMembers.enumerated() {
                        outRow[i] = bases[m].map { UnsafeMutableRawPointer($0 + rows.output).assumingMemoryBound(to: Float.self) }
                    }
                    lockstep_chain_f32(ops.baseAddress, count, leafRow, scalar, outRow, chainScratch.pointer, block, length)
                }
            }
        }
        while rows.next() {
            let rowOutput = rows.output
            var start = 0
            while start < length {
                let n = min(block, length - start)
                @inline(__always) func operand(_ source: Source) -> BlockOperand<T> {
                    switch source {
                    case .leaf(let l):
                        let p = leaves[l] + rows.offsets[l]
                        return steps[l] == 0 ? .scalar(p[0]) : .vector(p + start)
                    case .register(let k):
                        if let base = bases[k] { return .vector(UnsafePointer(base + rowOutput + start)) }
                        return .vector(UnsafePointer(registers[k]!))
                    case .absent:
                        return .absent
                    }
                }
                for m in fullMembers {
                    let out = bases[m].map { $0 + rowOutput + start } ?? registers[m]!
                    let list = sources[m]
                    let a = list.count > 0 ? operand(list[0]) : .absent
                    let b = list.count > 1 ? operand(list[1]) : .absent
                    let c = list.count > 2 ? operand(list[2]) : .absent
                    functions[m].body(a, b, c, out, n)
                }
                start += n
            }
        }
        withExtendedLifetime((readers, scratch)) {}
        var results = [Value?](repeating: nil, count: members.count)
        for m in members.indices where keep[m] {
            if let buffer = outputs[m] {
                results[m] = .tensor(try buffer.tensor(T.dtype, shape: full))
            } else {
                results[m] = values[m]
            }
        }
        return results
    }

    /// The full members as a `lockstep_chain_f32` program when each has a `chainOp` (and Clip's
    /// bounds are single-element inputs), else nil. Op i is full member i; a member read by a
    /// later one is referred to by its op index.
    static func chainProgram(_ members: [Member], full: [Int], sources: [[Source]],
                             leaves: [UnsafePointer<Float>]) -> [lockstep_chain_op]? {
        var opIndex = [Int](repeating: -1, count: members.count)
        var program: [lockstep_chain_op] = []
        program.reserveCapacity(full.count)
        for m in full {
            guard let op = members[m].function.chainOp else { return nil }
            let list = sources[m]
            func source(_ j: Int) -> Int32? {
                guard j < list.count else { return nil }
                switch list[j] {
                case .leaf(let l): return Int32(l)
                case .register(let k): return opIndex[k] >= 0 ? Int32(-opIndex[k] - 1) : nil
                case .absent: return nil
                }
            }
            /// A Clip bound: .some(nil) when omitted, nil when it is not a single-element leaf.
            func bound(_ j: Int) -> Double?? {
                guard j < list.count else { return .some(nil) }
                switch list[j] {
                case .absent: return .some(nil)
                case .leaf(let l): return .some(Double(leaves[l][0]))
                case .register: return nil
                }
            }
            var entry = lockstep_chain_op()
            switch op {
            case .arithmetic(let a):
                guard let s0 = source(0), let s1 = source(1) else { return nil }
                entry.op = a.rawValue
                entry.source = (s0, s1)
            case .clip(let lower, let upper):
                guard let s0 = source(0) else { return nil }
                entry.op = 4
                entry.source = (s0, s0)
                entry.lo = Float(lower)
                entry.hi = Float(upper)
            case .clipInputs:
                guard let s0 = source(0), let lower = bound(1), let upper = bound(2) else { return nil }
                // The bounds exactly as `ClipKernel.vectorBlock` derives them.
                let clip = FloatFunctions.Clip(lower: lower ?? -.infinity, upper: upper ?? .infinity)
                entry.op = 4
                entry.source = (s0, s0)
                entry.lo = Float(clip.lower)
                entry.hi = Float(clip.upper)
            }
            opIndex[m] = program.count
            program.append(entry)
        }
        return program
    }
}
