/**
 * A small builder for ONNX graphs (the only importer of onnx-proto). Model recipes and the
 * trainer describe networks with it and serialise them to the bytes ONNX Runtime loads. It also
 * edits existing models: reading and replacing named float initializers (a new classifier head
 * on the same extractor) and hashing the sub-graph that computes a given output (the extractor's
 * identity, which keys the trainer's embedding cache).
 */
import { createHash } from 'node:crypto';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type AttributeValue = number | number[] | string | { floats: number[] } | { float: number };

export interface GraphBuilderOptions {
  name: string;
  opsetVersion?: number;
  producer?: string;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private counter = 0;

  constructor(private readonly options: GraphBuilderOptions) {}

  /** A graph input; string dimensions are symbolic (e.g. the batch size 'N'). */
  input(name: string, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  output(name: string, dims: (number | string)[]): string {
    this.outputs.push(valueInfo(name, dims));
    return name;
  }

  /** A float32 constant stored in the graph. */
  initializer(name: string, dims: number[], data: Float32Array | number[]): string {
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(data) });
    return name;
  }

  /** An int64 constant (shapes, axes). */
  int64Initializer(name: string, dims: number[], data: number[]): string {
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: data });
    return name;
  }

  /** Adds a node and returns its (first) output name. */
  node(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputs?: string[]): string {
    const outs = outputs ?? [`${opType.toLowerCase()}_${this.counter++}`];
    this.nodes.push({
      opType,
      input: inputs,
      output: outs,
      name: `${opType}_${this.nodes.length}`,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outs[0]!;
  }

  toBytes(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: this.options.producer ?? 'ana-workstation',
      opsetImport: [{ domain: '', version: this.options.opsetVersion ?? 17 }],
      graph: {
        name: this.options.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('floats' in value) return { name, type: T.FLOATS, floats: value.floats };
  return { name, type: T.FLOAT, f: value.float };
}

/** A float32 tensor read from, or written into, a model's initializers. */
export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  try {
    // A plain Uint8Array view, not a Node Buffer: protobufjs would call the deprecated `new Buffer(0)`
    // for empty fields (DEP0005 printed when bundled outside node_modules, e.g. in the worker).
    return onnx.ModelProto.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new Error(`not an ONNX model (${(error as Error).message})`, { cause: error });
  }
}

function tensorData(tensor: onnxProto.onnx.ITensorProto): Float32Array {
  if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) throw new Error(`initializer '${tensor.name}' is not float32`);
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** The named float initializers of a model. Throws naming any that are missing. */
export function readInitializers(modelBytes: Uint8Array, names: string[]): Record<string, FloatTensor> {
  const model = decodeModel(modelBytes);
  const out: Record<string, FloatTensor> = {};
  for (const name of names) {
    const tensor = model.graph?.initializer?.find((t) => t.name === name);
    if (!tensor) throw new Error(`model has no initializer '${name}'`);
    out[name] = { dims: (tensor.dims ?? []).map(Number), data: tensorData(tensor) };
  }
  return out;
}

/**
 * A copy of the model with the named initializers' values replaced. Each replacement must keep
 * its tensor's dims: the graph around it (shapes, the manifest's label count) stays valid.
 */
export function replaceInitializers(modelBytes: Uint8Array, replacements: Record<string, FloatTensor>): Uint8Array {
  const model = decodeModel(modelBytes);
  const initializers = model.graph?.initializer ?? [];
  for (const [name, value] of Object.entries(replacements)) {
    const tensor = initializers.find((t) => t.name === name);
    if (!tensor) throw new Error(`model has no initializer '${name}'`);
    const dims = (tensor.dims ?? []).map(Number);
    if (dims.length !== value.dims.length || dims.some((d, i) => d !== value.dims[i])) {
      throw new Error(`initializer '${name}' has dims [${dims.join(', ')}], replacement has [${value.dims.join(', ')}]`);
    }
    const count = dims.reduce((a, b) => a * b, 1);
    if (value.data.length !== count) throw new Error(`initializer '${name}' needs ${count} values, replacement has ${value.data.length}`);
    // An empty raw_data would still be serialised (proto2 optional bytes) and ONNX Runtime then
    // rejects the tensor as 0 bytes long: store the values as raw little-endian bytes instead.
    tensor.rawData = new Uint8Array(Float32Array.from(value.data).buffer);
    tensor.floatData = [];
  }
  return onnx.ModelProto.encode(model).finish();
}

/** A node of a stored graph, as far as recipes need to read one back (ints attributes only). */
export interface GraphNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  ints: Record<string, number[]>;
}

/** The nodes of a model's graph, in order: recipes read back how an extractor was wired (e.g. its strides). */
export function readGraphNodes(modelBytes: Uint8Array): GraphNode[] {
  const T = onnx.AttributeProto.AttributeType;
  return (decodeModel(modelBytes).graph?.node ?? []).map((n) => ({
    opType: n.opType ?? '',
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    ints: Object.fromEntries((n.attribute ?? []).filter((a) => a.type === T.INTS || a.type === T.INT).map((a) => [a.name ?? '', a.type === T.INT ? [Number(a.i)] : (a.ints ?? []).map(Number)])),
  }));
}

/**
 * sha256 of the sub-graph that computes `outputName` (its nodes, the initializers they read, the
 * graph inputs): equal for every model that shares the extractor, whatever its head.
 */
export function subgraphSha256(modelBytes: Uint8Array, outputName: string): string {
  const model = decodeModel(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error('model has no graph');
  const producer = new Map<string, onnxProto.onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producer.set(out, node);
  if (!producer.has(outputName)) throw new Error(`no node produces '${outputName}'`);
  const needed = new Set<onnxProto.onnx.INodeProto>();
  const names = new Set<string>();
  const stack = [outputName];
  while (stack.length) {
    const name = stack.pop()!;
    if (names.has(name)) continue;
    names.add(name);
    const node = producer.get(name);
    if (node && !needed.has(node)) {
      needed.add(node);
      for (const input of node.input ?? []) if (input) stack.push(input);
    }
  }
  const sub = onnx.GraphProto.create({
    name: 'subgraph',
    node: (graph.node ?? []).filter((n) => needed.has(n)),
    initializer: (graph.initializer ?? []).filter((t) => names.has(t.name ?? '')),
    input: (graph.input ?? []).filter((i) => names.has(i.name ?? '')),
    output: (graph.output ?? []).filter((o) => o.name === outputName),
  });
  return createHash('sha256').update(onnx.GraphProto.encode(sub).finish()).digest('hex');
}
