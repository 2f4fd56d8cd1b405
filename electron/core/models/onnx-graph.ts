/**
 * A small builder for ONNX graphs (the only importer of onnx-proto). Model recipes and the
 * trainer describe networks with it and serialise them to the bytes ONNX Runtime loads.
 */
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
