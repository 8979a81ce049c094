import CTFLite
import Foundation
import LockstepCore

/// Converts a verified TFLite flatbuffer (through the C shim) into IR values.
///
/// Every index the file stores (opcode, tensor, buffer, subgraph) is range-checked here before
/// use; the shim's accessors only return what the verifier already bounded.
struct Converter {
    let path: String
    /// The whole file (for files over 2 GB, the flatbuffer is only a prefix of it).
    let bytes: UnsafeRawBufferPointer
    /// The mapped file `bytes` belongs to, when loading from a path: tensors then view it.
    let source: MappedFile?
    let flat: FlatModel
    /// Bounds what the file can make the loader materialise (see `Budget`).
    let budget: Budget

    init(path: String, bytes: UnsafeRawBufferPointer, source: MappedFile?, flat: FlatModel) {
        self.path = path
        self.bytes = bytes
        self.source = source
        self.flat = flat
        budget = Budget(fileSize: bytes.count)
    }

    func fail(_ reason: String) -> TFLiteError { .invalidModel(path: path, reason: reason) }

    /// Charges `count` bytes of file data about to be copied or decoded.
    func charge(_ count: Int) throws {
        guard budget.charge(count) else {
            throw fail("offsets repeat the same data: reading the model would decode more than \(budget.limit) bytes from a \(bytes.count)-byte file")
        }
    }

    // MARK: Model

    func model() throws -> Model {
        let info = flat.info
        guard Int64(info.version) == TFLiteLoader.schemaVersion else {
            throw TFLiteError.unsupported(path: path,
                reason: "unsupported schema version \(info.version) (Lockstep reads TFLite schema version \(TFLiteLoader.schemaVersion))")
        }
        guard info.subgraph_count > 0 else { throw fail("model has no subgraphs") }
        let opcodes = try (0..<info.operator_code_count).map(opIdentifier)
        let context = ModelContext(subgraphCount: info.subgraph_count, bufferCount: info.buffer_count, opcodes: opcodes)

        var graphs: [Graph] = []
        var valueNames: [[String]] = []
        graphs.reserveCapacity(info.subgraph_count)
        for s in 0..<info.subgraph_count {
            let (graph, names) = try self.graph(s, context)
            graphs.append(graph)
            valueNames.append(names)
        }
        return Model(
            format: .tflite, path: path,
            producerName: info.description.text,
            irVersion: Int64(info.version),
            metadata: try metadata(info, context),
            graph: graphs[0],
            subgraphs: Array(graphs.dropFirst()),
            signatures: try signatures(info, context, valueNames: valueNames))
    }

    /// Model-wide facts every subgraph is checked against.
    struct ModelContext {
        let subgraphCount: Int
        let bufferCount: Int
        let opcodes: [OpIdentifier]
    }

    /// Builtin ops keep the schema's name (`CONV_2D`); the code is the larger of the two code
    /// fields (files before schema 3a only set the byte-sized `deprecated_builtin_code`).
    func opIdentifier(_ index: Int) throws -> OpIdentifier {
        guard let code = flat.opcode(index) else { throw fail("operator code \(index) cannot be read") }
        let builtin = max(Int32(code.deprecated_builtin_code), code.builtin_code)
        let version = Int(code.version)
        if builtin == TFLiteLoader.customCode {
            return OpIdentifier(domain: "custom", name: code.custom_code.text, version: version)
        }
        return OpIdentifier(domain: "", name: FlatModel.builtinName(builtin) ?? "UNKNOWN_\(builtin)", version: version)
    }

    // MARK: Subgraphs

    func graph(_ s: Int, _ model: ModelContext) throws -> (Graph, [String]) {
        guard let subgraph = flat.subgraph(s) else { throw fail("subgraph \(s) cannot be read") }
        try charge(subgraph.name.length + 4 * (subgraph.inputs.count + subgraph.outputs.count))
        let fileName = subgraph.name.text
        let name = fileName.isEmpty ? "subgraph_\(s)" : fileName
        let location = "subgraph \(s)" + (fileName.isEmpty ? "" : " '\(fileName)'")
        // TFLite refuses a subgraph without a tensors vector ("Did not get tensors in subgraph").
        guard subgraph.has_tensors != 0 else { throw fail("\(location) has no tensors (the tensors vector is missing)") }

        var tensors: [lockstep_tflite_tensor] = []
        tensors.reserveCapacity(subgraph.tensor_count)
        for t in 0..<subgraph.tensor_count {
            guard let tensor = flat.tensor(subgraph: s, t) else { throw fail("\(location): tensor \(t) cannot be read") }
            try charge(tensor.name.length + 4 * (tensor.shape.count + tensor.shape_signature.count + tensor.scale.count
                                                 + tensor.traversal_order.count + tensor.block_map.count)
                       + 8 * tensor.zero_point.count)
            tensors.append(tensor)
        }
        let names = Self.valueNames(tensors.map { $0.name.text })

        var values: [ValueInfo] = []
        var initializers: [Initializer] = []
        values.reserveCapacity(tensors.count)
        for (t, tensor) in tensors.enumerated() {
            let label = "\(location): tensor \(t) '\(tensor.name.text)'"
            let element = TFLiteElementType(code: tensor.type)
            let quantization = Self.quantization(tensor)
            let sparsity = try self.sparsity(tensor, subgraph: s, tensor: t, label: label)
            let dims = tensor.has_shape_signature != 0 ? tensor.shape_signature.int32s : tensor.shape.int32s
            let shape = Shape(dims.map { $0 >= 0 ? .fixed(Int($0)) : .unknown })
            values.append(ValueInfo(name: names[t], type: element.valueType(shape: shape),
                                    docString: Self.quantizationDetails(tensor, valueNames: names), quantization: quantization,
                                    isVariable: tensor.is_variable != 0, sparsity: sparsity))
            if tensor.external_buffer != 0 {
                throw TFLiteError.unsupported(path: path,
                    reason: "\(label): data in external buffer \(tensor.external_buffer) (weights in a separate file) is not read by Lockstep")
            }
            if let constant = try self.constant(tensor, element: element, quantization: quantization, sparse: sparsity != nil,
                                                label: label, model) {
                initializers.append(Initializer(name: names[t], tensor: constant))
            }
        }

        func io(_ list: lockstep_tflite_vector, _ what: String) throws -> [ValueInfo] {
            try list.int32s.enumerated().map { i, index in
                guard index >= 0, Int(index) < values.count else {
                    throw fail("\(location): \(what) \(i) is tensor index \(index), out of range (subgraph has \(values.count) tensors)")
                }
                return values[Int(index)]
            }
        }
        let inputs = try io(subgraph.inputs, "input")
        let outputs = try io(subgraph.outputs, "output")

        var nodes: [Node] = []
        nodes.reserveCapacity(subgraph.operator_count)
        for o in 0..<subgraph.operator_count {
            nodes.append(try node(subgraph: s, index: o, location: location, graphName: name, valueNames: names, model))
        }
        let graph = Graph(name: name, nodes: nodes, inputs: inputs, outputs: outputs, valueInfo: values, initializers: initializers)
        return (graph, names)
    }

    /// A tensor's value name: its name when non-empty and unique in the subgraph, else
    /// `<name>#<index>` (`tensor#<index>` for an empty name).
    static func valueNames(_ raw: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for name in raw { counts[name, default: 0] += 1 }
        return raw.enumerated().map { index, name in
            if name.isEmpty { return "tensor#\(index)" }
            return counts[name] == 1 ? name : "\(name)#\(index)"
        }
    }

    // MARK: Operators

    func node(subgraph s: Int, index o: Int, location: String, graphName: String, valueNames: [String],
              _ model: ModelContext) throws -> Node {
        guard let op = flat.operator(subgraph: s, o) else { throw fail("\(location): operator \(o) cannot be read") }
        let codeIndex = Int(op.opcode_index)
        guard codeIndex < model.opcodes.count else {
            throw fail("\(location): operator \(o): opcode_index \(codeIndex) out of range (model has \(model.opcodes.count) operator codes)")
        }
        let identifier = model.opcodes[codeIndex]
        let label = "\(location): operator \(o) (\(identifier.qualifiedName))"
        try charge(4 * (op.inputs.count + op.outputs.count + op.intermediates.count) + op.custom_options_size)

        func names(_ list: lockstep_tflite_vector, _ what: String) throws -> [String] {
            try list.int32s.enumerated().map { i, index in
                if index == -1 { return "" }  // an omitted optional tensor
                guard index >= 0, Int(index) < valueNames.count else {
                    throw fail("\(label): \(what) \(i) is tensor index \(index), out of range (subgraph has \(valueNames.count) tensors)")
                }
                return valueNames[Int(index)]
            }
        }
        let inputs = try names(op.inputs, "input")
        let outputs = try names(op.outputs, "output")
        let intermediates = try names(op.intermediates, "intermediate")

        var attributes: [Attribute] = []
        for which: Int32 in [1, 2] {
            let decoded = try flat.options(subgraph: s, operator: o, which: which) { table, fields in
                try fields.map { field in
                    try charge(field.kind == LOCKSTEP_TFLITE_FIELD_BYTES ? field.count : 8 * field.count + field.string.length)
                    let attribute = Self.attribute(field)
                    try checkSubgraphReference(attribute, table: table, label: label, model)
                    return attribute
                }
            }
            guard let decoded else { throw fail("\(label): options cannot be decoded") }
            attributes += decoded
        }
        let hasLargeOptions = op.large_custom_options_offset > 1
        if identifier.domain == "custom" || op.custom_options != nil || hasLargeOptions {
            attributes.append(Attribute(name: "custom_options", value: .string(try customOptions(op, label: label))))
            let format = op.custom_options_format == 0 ? "FLEXBUFFERS" : "UNKNOWN_\(op.custom_options_format)"
            attributes.append(Attribute(name: "custom_options_format", value: .string(Array(format.utf8))))
        }
        return Node(name: "", op: identifier, inputs: inputs, outputs: outputs, attributes: attributes,
                    origin: Origin(format: .tflite, graphPath: [graphName], nodeIndex: o, name: ""), intermediates: intermediates)
    }

    /// An option field as an attribute named like the schema field: integers and bools `.int`,
    /// floats `.float`, enums their value's name as `.string`, strings and byte vectors
    /// `.string`, other vectors `.ints` / `.floats`, vectors of enums `.strings`.
    static func attribute(_ field: lockstep_tflite_field) -> Attribute {
        let name = String(cString: field.name)
        let value: AttributeValue
        switch field.kind {
        case LOCKSTEP_TFLITE_FIELD_FLOAT:
            value = .float(Float(field.float_value))
        case LOCKSTEP_TFLITE_FIELD_ENUM, LOCKSTEP_TFLITE_FIELD_STRING:
            value = .string(field.string.bytes)
        case LOCKSTEP_TFLITE_FIELD_INTS:
            value = .ints(field.count > 0 ? Array(UnsafeBufferPointer(start: field.ints, count: field.count)) : [])
        case LOCKSTEP_TFLITE_FIELD_FLOATS:
            value = .floats(field.count > 0 ? Array(UnsafeBufferPointer(start: field.floats, count: field.count)) : [])
        case LOCKSTEP_TFLITE_FIELD_BYTES:
            value = .string(field.count > 0 ? Array(UnsafeRawBufferPointer(start: field.bytes, count: field.count)) : [])
        case LOCKSTEP_TFLITE_FIELD_ENUMS:
            value = .strings(field.count > 0 ? UnsafeBufferPointer(start: field.names, count: field.count).map(\.bytes) : [])
        default:
            value = .int(field.int_value)
        }
        return Attribute(name: name, value: value)
    }

    /// Attributes that index `Model.allGraphs` (`*_subgraph_index`, CallOptions `subgraph`,
    /// StableHLO `called_computations` / `branch_subgraph_indices`) must name an existing subgraph.
    func checkSubgraphReference(_ attribute: Attribute, table: String?, label: String, _ model: ModelContext) throws {
        let indices: [Int64]
        switch attribute.value {
        case .int(let i) where attribute.name.hasSuffix("subgraph_index") || (attribute.name == "subgraph" && table == "CallOptions"):
            indices = [i]
        case .ints(let list) where attribute.name == "branch_subgraph_indices" || attribute.name == "called_computations":
            indices = list
        default:
            return
        }
        for index in indices where index < 0 || index >= Int64(model.subgraphCount) {
            throw fail("\(label): \(attribute.name) \(index) is out of range (model has \(model.subgraphCount) subgraphs)")
        }
    }

    /// Custom options: inline bytes, or (files over 2 GB) bytes at an offset past the flatbuffer.
    func customOptions(_ op: lockstep_tflite_operator, label: String) throws -> [UInt8] {
        if let data = op.custom_options, op.custom_options_size > 0 {
            return Array(UnsafeRawBufferPointer(start: data, count: op.custom_options_size))
        }
        guard op.large_custom_options_offset > 1 else { return [] }
        let range = try fileRange(offset: op.large_custom_options_offset, size: op.large_custom_options_size) {
            "\(label): custom options of \(op.large_custom_options_size) bytes at offset \(op.large_custom_options_offset)"
        }
        try charge(range.count)
        return Array(bytes[range])
    }

    // MARK: Tensors

    /// Affine quantisation; nil when the tensor has no scales. `axis` only for per-channel.
    static func quantization(_ t: lockstep_tflite_tensor) -> QuantizationParameters? {
        guard t.has_quantization != 0 else { return nil }
        let scales = t.scale.floats
        guard !scales.isEmpty else { return nil }
        var zeroPoints = t.zero_point.int64s
        if zeroPoints.isEmpty { zeroPoints = [Int64](repeating: 0, count: scales.count) }
        return QuantizationParameters(scales: scales, zeroPoints: zeroPoints,
                                      axis: scales.count > 1 ? Int(t.quantized_dimension) : nil)
    }

    /// QuantizationParameters.details, which the IR has no field for, described in words:
    /// "blockwise quantization: scales in tensor 'w_scales', zero points none, block size 32".
    static func quantizationDetails(_ t: lockstep_tflite_tensor, valueNames: [String]) -> String {
        guard t.has_quantization != 0 else { return "" }
        func tensor(_ index: Int32) -> String {
            if index == -1 { return "none" }
            return index >= 0 && Int(index) < valueNames.count ? "in tensor '\(valueNames[Int(index)])'" : "in tensor \(index)"
        }
        switch t.quantization_details_type {
        case 0: return ""
        case 1: return "custom quantization"
        case 2, 3:
            let kind = t.quantization_details_type == 2 ? "blockwise" : "multi-axis"
            return "\(kind) quantization: scales \(tensor(t.details_scales)), zero points \(tensor(t.details_zero_points)), block size \(t.details_block_size)"
        default: return "quantization details of unknown type \(t.quantization_details_type)"
        }
    }

    func sparsity(_ t: lockstep_tflite_tensor, subgraph s: Int, tensor: Int, label: String) throws -> SparsityParameters? {
        guard t.has_sparsity != 0 else { return nil }
        var formats: [String] = []
        var dimensions: [SparseDimension] = []
        for d in 0..<t.dim_metadata_count {
            guard let metadata = flat.dimensionMetadata(subgraph: s, tensor: tensor, d) else {
                throw fail("\(label): sparsity dimension \(d) cannot be read")
            }
            switch metadata.format {
            case 0: formats.append("DENSE")
            case 1: formats.append("SPARSE_CSR")
            default: formats.append("UNKNOWN_\(metadata.format)")
            }
            try charge((metadata.segments.count + metadata.indices.count) * 8)
            dimensions.append(SparseDimension(denseSize: Int(metadata.dense_size),
                                              segments: metadata.segments.indexValues(type: metadata.segments_type),
                                              indices: metadata.indices.indexValues(type: metadata.indices_type)))
        }
        return SparsityParameters(traversalOrder: t.traversal_order.int32s.map(Int.init),
                                  blockMap: t.block_map.int32s.map(Int.init), dimensionFormats: formats, dimensions: dimensions)
    }

    /// The constant a tensor holds, or nil when its buffer is empty (an activation or input).
    /// Sparse tensors keep their stored (compressed) values as a 1-D tensor.
    func constant(_ t: lockstep_tflite_tensor, element: TFLiteElementType, quantization: QuantizationParameters?,
                  sparse: Bool, label: String, _ model: ModelContext) throws -> Tensor? {
        let index = Int(t.buffer)
        guard index < model.bufferCount else {
            throw fail("\(label): buffer index \(index) out of range (model has \(model.bufferCount) buffers)")
        }
        guard index > 0, let range = try bufferRange(index, label: label), !range.isEmpty else { return nil }
        guard let dtype = element.dtype else { return nil }  // resource / variant / unknown type: nothing to decode
        let what = "\(label): buffer \(index) holds \(range.count) bytes"

        if dtype == .string {
            try charge(range.count)
            guard let strings = Self.decodeStrings(UnsafeRawBufferPointer(rebasing: bytes[range])) else {
                throw fail("\(what), not a valid TFLite string buffer (count, offsets and lengths must lie inside it)")
            }
            let shape = sparse ? [strings.count] : try fixedShape(t, label: label)
            guard Shape.elementCount(shape) == strings.count else {
                throw fail("\(what) with \(strings.count) strings, shape \(shape) needs \(Shape.elementCount(shape) ?? -1)")
            }
            return try Tensor(strings: strings, shape: shape)
        }

        let shape: [Int]
        if sparse {
            // The stored values of a sparse tensor: as many as the bytes hold.
            guard (range.count * 8) % dtype.bitWidth == 0 else {
                throw fail("\(what), not a whole number of \(dtype) values for the sparse tensor's stored values")
            }
            shape = [range.count * 8 / dtype.bitWidth]
        } else {
            shape = try fixedShape(t, label: label)
            let needed = Shape.elementCount(shape).flatMap { dtype.storageBytes(count: $0) }
            guard let needed else { throw fail("\(label): shape \(shape) of a \(dtype) constant is too large") }
            guard needed == range.count else { throw fail("\(what), \(dtype) shape \(shape) needs \(needed)") }
        }
        if source == nil { try charge(range.count) }  // copied out of the caller's bytes
        do {
            return try Tensor(dtype: dtype, shape: shape, storage: storage(range), quantization: quantization)
        } catch let error as CoreError {
            throw fail("\(label): \(error.localizedDescription)")
        }
    }

    /// The `shape` field of a constant tensor, which must be fully known.
    func fixedShape(_ t: lockstep_tflite_tensor, label: String) throws -> [Int] {
        let dims = t.shape.int32s
        guard dims.allSatisfy({ $0 >= 0 }) else { throw fail("\(label): constant tensor has a negative dimension in shape \(dims)") }
        return dims.map(Int.init)
    }

    /// Decodes TFLite's string buffer: int32 count N, N+1 int32 offsets from the buffer start,
    /// then the bytes. Nil when any count or offset falls outside the buffer.
    static func decodeStrings(_ raw: UnsafeRawBufferPointer) -> [[UInt8]]? {
        func int32(at offset: Int) -> Int { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))) }
        guard raw.count >= 4 else { return nil }
        let count = int32(at: 0)
        guard count >= 0, count <= raw.count / 4 - 2 else { return nil }
        let offsets = (0...count).map { int32(at: 4 + 4 * $0) }
        var strings: [[UInt8]] = []
        strings.reserveCapacity(count)
        for i in 0..<count {
            let start = offsets[i], end = offsets[i + 1]
            guard start >= 0, start <= end, end <= raw.count else { return nil }
            strings.append(Array(raw[start..<end]))
        }
        return strings
    }

    // MARK: Buffers

    /// Where buffer `index`'s bytes lie in the file: inline `data`, or `size` bytes at `offset`
    /// (files over 2 GB; valid when offset > 1). Nil when the buffer holds nothing.
    func bufferRange(_ index: Int, label: @autoclosure () -> String) throws -> Range<Int>? {
        guard let buffer = flat.buffer(index) else { throw fail("\(label()): buffer \(index) cannot be read") }
        if let data = buffer.data, buffer.size > 0, let base = bytes.baseAddress {
            let start = UnsafeRawPointer(data) - base
            guard start >= 0, buffer.size <= bytes.count - start else { throw fail("\(label()): buffer \(index) lies outside the file") }
            return start..<(start + buffer.size)
        }
        guard buffer.offset > 1 else { return nil }
        return try fileRange(offset: buffer.offset, size: buffer.length) {
            "\(label()): buffer \(index) of \(buffer.length) bytes at offset \(buffer.offset)"
        }
    }

    /// `size` bytes at `offset` of the file, checked against its end.
    func fileRange(offset: UInt64, size: UInt64, what: () -> String) throws -> Range<Int> {
        let fileSize = UInt64(bytes.count)
        guard offset <= fileSize, size <= fileSize - offset else {
            throw fail("\(what()) lies past the end of the file (\(bytes.count) bytes)")
        }
        return Int(offset)..<Int(offset + size)
    }

    /// A view of the mapped file when there is one, else a copy.
    func storage(_ range: Range<Int>) -> TensorStorage {
        if let source { return source.storage(range: range) }
        return TensorStorage(copying: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    // MARK: Metadata and signatures

    /// Model.metadata: name → buffer contents as text when printable UTF-8 (trailing NULs
    /// dropped), else "<N bytes>".
    func metadata(_ info: lockstep_tflite_model_info, _ model: ModelContext) throws -> [MetadataEntry] {
        var entries: [MetadataEntry] = []
        for i in 0..<info.metadata_count {
            guard let entry = flat.metadata(i) else { throw fail("metadata \(i) cannot be read") }
            let name = entry.name.text
            let index = Int(entry.buffer)
            let label = "metadata '\(name)'"
            guard index < model.bufferCount else {
                throw fail("\(label): buffer index \(index) out of range (model has \(model.bufferCount) buffers)")
            }
            let range = try bufferRange(index, label: label) ?? 0..<0
            try charge(entry.name.length + range.count)
            entries.append(MetadataEntry(key: name, value: Self.printable(UnsafeRawBufferPointer(rebasing: bytes[range]))
                                             ?? "<\(range.count) bytes>"))
        }
        return entries
    }

    static func printable(_ raw: UnsafeRawBufferPointer) -> String? {
        var end = raw.count
        while end > 0, raw[end - 1] == 0 { end -= 1 }
        let stored = UnsafeRawBufferPointer(rebasing: raw[0..<end])
        let text = String(decoding: stored, as: UTF8.self)
        guard text.utf8.elementsEqual(stored) else { return nil }  // invalid UTF-8 was repaired
        let allowed: Set<Unicode.Scalar> = ["\n", "\r", "\t"]
        guard text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f || allowed.contains($0) }) else { return nil }
        return text
    }

    func signatures(_ info: lockstep_tflite_model_info, _ model: ModelContext, valueNames: [[String]]) throws -> [Signature] {
        var out: [Signature] = []
        for i in 0..<info.signature_count {
            guard let signature = flat.signature(i) else { throw fail("signature \(i) cannot be read") }
            let key = signature.key.text
            let label = "signature \(i) '\(key)'"
            let graph = Int(signature.subgraph_index)
            guard graph < model.subgraphCount else {
                throw fail("\(label): subgraph_index \(graph) out of range (model has \(model.subgraphCount) subgraphs)")
            }
            func entries(output: Bool, count: Int) throws -> [MetadataEntry] {
                try (0..<count).map { e in
                    guard let (alias, tensor) = flat.signatureTensor(i, output: output, entry: e) else {
                        throw fail("\(label): entry \(e) cannot be read")
                    }
                    try charge(alias.utf8.count + 4)
                    guard tensor < valueNames[graph].count else {
                        throw fail("\(label): \(output ? "output" : "input") '\(alias)' is tensor index \(tensor), out of range (subgraph \(graph) has \(valueNames[graph].count) tensors)")
                    }
                    return MetadataEntry(key: alias, value: valueNames[graph][tensor])
                }
            }
            out.append(Signature(key: key, graphIndex: graph,
                                 inputs: try entries(output: false, count: signature.input_count),
                                 outputs: try entries(output: true, count: signature.output_count)))
        }
        return out
    }
}

/// How many bytes of file data the loader may decode or copy: a few times the file's size.
///
/// The verifier bounds the number of tables, but a table, vector or string may be referenced by
/// many offsets; a small hostile file could otherwise make the loader build millions of copies of
/// one large vector. An honest file stores each vector and string once, so it stays far below.
final class Budget {
    let limit: Int
    private(set) var used = 0

    init(fileSize: Int) {
        let (scaled, overflow) = fileSize.multipliedReportingOverflow(by: 4)
        limit = overflow ? Int.max : scaled &+ (1 << 20)
    }

    /// Adds `count`; false once the total passes the limit.
    func charge(_ count: Int) -> Bool {
        let (sum, overflow) = used.addingReportingOverflow(max(count, 0))
        if overflow {
            used = .max
            return false
        }
        used = sum
        return used <= limit
    }
}

extension TFLiteLoader {
    /// `BuiltinOperator.CUSTOM`: the op is named by `OperatorCode.custom_code`.
    static let customCode: Int32 = 32
}
