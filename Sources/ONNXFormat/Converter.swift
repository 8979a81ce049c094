import CONNXProto
import Foundation
import LockstepCore
import TensorIO

/// Converts unpacked protobuf-c messages into IR values. Nesting is bounded by the wire check
/// done before unpacking, so the recursion here is bounded too.
struct Converter {
    let path: String
    let opsets: [String: Int]
    let decoder: TensorProtoDecoder

    func fail(_ reason: String) -> ONNXError { .invalidModel(path: path, reason: reason) }

    // MARK: Graphs

    func graph(_ g: UnsafeMutablePointer<Onnx__GraphProto>, path parent: [String], opsets: [String: Int]) throws -> Graph {
        let p = g.pointee
        let name = cString(p.name)
        let graphPath = parent + [name.isEmpty ? "graph" : name]

        var initializers: [Initializer] = []
        initializers.reserveCapacity(p.n_initializer)
        for i in 0..<p.n_initializer {
            guard let t = p.initializer[i] else { continue }
            let decoded = try decoder.decode(t, context: "initializer '\(TensorProtoDecoder.name(t))'\(where_(graphPath))")
            initializers.append(Initializer(name: decoded.name, tensor: decoded.tensor, isExternal: decoded.isExternal))
        }
        var sparse: [SparseTensor] = []
        for i in 0..<p.n_sparse_initializer {
            guard let s = p.sparse_initializer[i] else { continue }
            sparse.append(try sparseTensor(s, context: "sparse initializer\(where_(graphPath))"))
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(p.n_node)
        for i in 0..<p.n_node {
            guard let n = p.node[i] else { continue }
            nodes.append(try node(n, index: i, graphPath: graphPath, opsets: opsets))
        }
        var annotations: [QuantizationAnnotation] = []
        for i in 0..<p.n_quantization_annotation {
            guard let a = p.quantization_annotation[i]?.pointee else { continue }
            annotations.append(QuantizationAnnotation(
                tensorName: cString(a.tensor_name),
                parameters: metadataEntries(a.quant_parameter_tensor_names, a.n_quant_parameter_tensor_names)))
        }
        return Graph(
            name: name, nodes: nodes,
            inputs: try valueInfos(p.input, p.n_input), outputs: try valueInfos(p.output, p.n_output),
            valueInfo: try valueInfos(p.value_info, p.n_value_info),
            initializers: initializers, sparseInitializers: sparse, quantizationAnnotations: annotations,
            docString: cString(p.doc_string), metadata: metadataEntries(p.metadata_props, p.n_metadata_props))
    }

    private func where_(_ graphPath: [String]) -> String {
        graphPath.count > 1 ? " in subgraph '\(graphPath.joined(separator: "/"))'" : ""
    }

    // MARK: Nodes

    func node(_ n: UnsafeMutablePointer<Onnx__NodeProto>, index: Int, graphPath: [String], opsets: [String: Int]) throws -> Node {
        let p = n.pointee
        let name = cString(p.name)
        let opType = cString(p.op_type)
        guard !opType.isEmpty else {
            throw fail("node \(index)\(name.isEmpty ? "" : " '\(name)'")\(where_(graphPath)): op_type is empty")
        }
        let domain = ONNXLoader.normalizedDomain(cString(p.domain))
        var label: String { name.isEmpty ? "\(opType)_\(index)" : name }
        var attributes: [Attribute] = []
        attributes.reserveCapacity(p.n_attribute)
        for i in 0..<p.n_attribute {
            guard let a = p.attribute[i] else { continue }
            attributes.append(try attribute(a, owner: "node '\(label)' (\(opType))", graphPath: graphPath, node: label, opsets: opsets))
        }
        return Node(
            name: name,
            op: OpIdentifier(domain: domain, name: opType, version: opsets[domain]),
            inputs: strings(p.input, p.n_input), outputs: strings(p.output, p.n_output),
            attributes: attributes,
            origin: Origin(format: .onnx, graphPath: graphPath, nodeIndex: index, name: name),
            docString: cString(p.doc_string),
            metadata: metadataEntries(p.metadata_props, p.n_metadata_props))
    }

    // MARK: Attributes

    /// `graphPath` + `node` locate subgraphs held by the attribute (`node` nil inside function bodies).
    func attribute(_ a: UnsafeMutablePointer<Onnx__AttributeProto>, owner: @autoclosure () -> String, graphPath: [String],
                   node: @autoclosure () -> String?, opsets: [String: Int]) throws -> Attribute {
        let p = a.pointee
        let name = cString(p.name)
        var context: String { "\(owner()): attribute '\(name)'" }
        var subgraphPath: [String] { graphPath + (node().map { [$0] } ?? []) }
        if let ref = p.ref_attr_name, ref.pointee != 0 {
            return Attribute(name: name, value: .reference(String(cString: ref)), docString: cString(p.doc_string))
        }
        var kind = p.has_type != 0 ? p.type : 0
        if kind == 0 { kind = Self.inferKind(p) }
        let value: AttributeValue
        switch kind {
        case 1: value = .float(p.f)
        case 2: value = .int(p.i)
        case 3: value = .string(bytes(p.s))
        case 4:
            guard let t = p.t else { throw fail("\(context): TENSOR attribute has no tensor") }
            value = .tensor(try decoder.decode(t, context: context).tensor)
        case 5:
            guard let g = p.g else { throw fail("\(context): GRAPH attribute has no graph") }
            value = .graph(try graph(g, path: subgraphPath + [name], opsets: opsets))
        case 6: value = .floats(p.n_floats == 0 ? [] : Array(UnsafeBufferPointer(start: p.floats, count: p.n_floats)))
        case 7: value = .ints(p.n_ints == 0 ? [] : Array(UnsafeBufferPointer(start: p.ints, count: p.n_ints)))
        case 8: value = .strings((0..<p.n_strings).map { bytes(p.strings[$0]) })
        case 9:
            value = .tensors(try (0..<p.n_tensors).compactMap { p.tensors[$0] }.map { try decoder.decode($0, context: context).tensor })
        case 10:
            var gs: [Graph] = []
            for i in 0..<p.n_graphs {
                guard let g = p.graphs[i] else { continue }
                gs.append(try graph(g, path: subgraphPath + ["\(name)[\(i)]"], opsets: opsets))
            }
            value = .graphs(gs)
        case 11:
            guard let s = p.sparse_tensor else { throw fail("\(context): SPARSE_TENSOR attribute has no tensor") }
            value = .sparseTensor(try sparseTensor(s, context: context))
        case 12:
            value = .sparseTensors(try (0..<p.n_sparse_tensors).compactMap { p.sparse_tensors[$0] }.map { try sparseTensor($0, context: context) })
        case 13:
            guard let tp = p.tp else { throw fail("\(context): TYPE_PROTO attribute has no type") }
            value = .type(try valueType(tp))
        case 14:
            value = .types(try (0..<p.n_type_protos).compactMap { p.type_protos[$0] }.map { try valueType($0) })
        default:
            throw fail("\(context): unknown attribute type \(kind)")
        }
        return Attribute(name: name, value: value, docString: cString(p.doc_string))
    }

    /// Files older than IR 4 may omit `type`: infer it from the field that is set.
    static func inferKind(_ p: Onnx__AttributeProto) -> Int32 {
        if p.has_f != 0 { return 1 }
        if p.has_i != 0 { return 2 }
        if p.has_s != 0 { return 3 }
        if p.t != nil { return 4 }
        if p.g != nil { return 5 }
        if p.sparse_tensor != nil { return 11 }
        if p.tp != nil { return 13 }
        if p.n_floats > 0 { return 6 }
        if p.n_ints > 0 { return 7 }
        if p.n_strings > 0 { return 8 }
        if p.n_tensors > 0 { return 9 }
        if p.n_graphs > 0 { return 10 }
        if p.n_sparse_tensors > 0 { return 12 }
        if p.n_type_protos > 0 { return 14 }
        return 0
    }

    func sparseTensor(_ s: UnsafeMutablePointer<Onnx__SparseTensorProto>, context: @autoclosure () -> String) throws -> SparseTensor {
        let p = s.pointee
        guard let values = p.values, let indices = p.indices else { throw fail("\(context()): sparse tensor lacks values or indices") }
        let v = try decoder.decode(values, context: context())
        let ix = try decoder.decode(indices, context: context())
        var dims: [Int] = []
        for i in 0..<p.n_dims {
            guard p.dims[i] >= 0 else { throw fail("\(context()): negative sparse dimension \(p.dims[i])") }
            dims.append(Int(p.dims[i]))
        }
        return SparseTensor(name: v.name, denseShape: dims, values: v.tensor, indices: ix.tensor)
    }

    // MARK: Types

    func valueInfos(_ list: UnsafeMutablePointer<UnsafeMutablePointer<Onnx__ValueInfoProto>?>?, _ n: Int) throws -> [ValueInfo] {
        guard let list, n > 0 else { return [] }
        var out: [ValueInfo] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            guard let v = list[i]?.pointee else { continue }
            let type = try v.type.map { try valueType($0) } ?? .unspecified
            out.append(ValueInfo(name: cString(v.name), type: type, docString: cString(v.doc_string)))
        }
        return out
    }

    func valueType(_ t: UnsafeMutablePointer<Onnx__TypeProto>) throws -> ValueType {
        let p = t.pointee
        switch p.value_case {
        case ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE:
            guard let tt = p.tensor_type?.pointee else { return .unspecified }
            return .tensor(elementType: tt.has_elem_type != 0 ? DType(onnxCode: tt.elem_type) : nil, shape: tt.shape.map(shape))
        case ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE:
            guard let tt = p.sparse_tensor_type?.pointee else { return .unspecified }
            return .sparseTensor(elementType: tt.has_elem_type != 0 ? DType(onnxCode: tt.elem_type) : nil, shape: tt.shape.map(shape))
        case ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE:
            return .sequence(try p.sequence_type?.pointee.elem_type.map { try valueType($0) })
        case ONNX__TYPE_PROTO__VALUE_MAP_TYPE:
            guard let m = p.map_type?.pointee else { return .unspecified }
            return .map(key: m.has_key_type != 0 ? DType(onnxCode: m.key_type) : nil, value: try m.value_type.map { try valueType($0) })
        case ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE:
            return .optional(try p.optional_type?.pointee.elem_type.map { try valueType($0) })
        case ONNX__TYPE_PROTO__VALUE_OPAQUE_TYPE:
            guard let o = p.opaque_type?.pointee else { return .unspecified }
            return .opaque(domain: cString(o.domain), name: cString(o.name))
        default:
            return .unspecified
        }
    }

    func shape(_ s: UnsafeMutablePointer<Onnx__TensorShapeProto>) -> Shape {
        let p = s.pointee
        var dims: [Shape.Dimension] = []
        dims.reserveCapacity(p.n_dim)
        for i in 0..<p.n_dim {
            guard let d = p.dim[i]?.pointee else { dims.append(.unknown); continue }
            switch d.value_case {
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE:
                dims.append(d.dim_value >= 0 ? .fixed(Int(d.dim_value)) : .unknown)
            case ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM:
                let name = cString(d.dim_param)
                dims.append(name.isEmpty ? .unknown : .symbolic(name))
            default:
                dims.append(.unknown)
            }
        }
        return Shape(dims)
    }

    // MARK: Functions

    func function(_ f: UnsafeMutablePointer<Onnx__FunctionProto>) throws -> Function {
        let p = f.pointee
        var fopsets: [String: Int] = [:]
        for i in 0..<p.n_opset_import {
            guard let e = p.opset_import[i]?.pointee else { continue }
            fopsets[ONNXLoader.normalizedDomain(cString(e.domain))] = Int(e.version)
        }
        if fopsets.isEmpty { fopsets = opsets }
        let name = cString(p.name)
        let domain = cString(p.domain)
        let graphPath = ["function \(domain.isEmpty ? "" : domain + "::")\(name)"]
        var nodes: [Node] = []
        for i in 0..<p.n_node {
            guard let n = p.node[i] else { continue }
            nodes.append(try node(n, index: i, graphPath: graphPath, opsets: fopsets))
        }
        var defaults: [Attribute] = []
        for i in 0..<p.n_attribute_proto {
            guard let a = p.attribute_proto[i] else { continue }
            defaults.append(try attribute(a, owner: graphPath[0], graphPath: graphPath, node: nil, opsets: fopsets))
        }
        return Function(
            name: name, domain: domain, overload: cString(p.overload),
            inputs: strings(p.input, p.n_input), outputs: strings(p.output, p.n_output),
            attributeNames: strings(p.attribute, p.n_attribute) + defaults.map(\.name),
            attributeDefaults: defaults, nodes: nodes, opsetImports: fopsets, docString: cString(p.doc_string))
    }

    // MARK: Scalars

    func strings(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ n: Int) -> [String] {
        guard let list, n > 0 else { return [] }
        return (0..<n).map { cString(list[$0]) }
    }

    func bytes(_ b: ProtobufCBinaryData) -> [UInt8] {
        b.len == 0 ? [] : Array(UnsafeRawBufferPointer(start: b.data, count: b.len))
    }
}
