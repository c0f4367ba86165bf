package dev.slimfit.model.checkpoint.onnx;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.slimfit.engine.Tensor;
import dev.slimfit.model.bert.BertModel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a BERT's weights as an ONNX model laid out like PyTorch's export of all-MiniLM-L6-v2: embeddings, biases
 * and LayerNorm tensors as initializers under their Hugging Face names, each Linear weight as an anonymous
 * initializer {@code onnx::MatMul_N} stored [in, out] feeding a MatMul whose output an Add with the named bias reads,
 * plus the int64 position-id buffer and decoy MatMuls between activations. The parts are plain lists that a test
 * may change before {@link #toBytes()}, which is how the untrusted-file tests make their corrupt models.
 */
final class TinyBertOnnx {

    /** One initializer; {@code declaredLength}, when set, replaces the length written before raw_data. */
    static final class Init {
        String name;
        int dataType;
        long[] dims;
        byte[] data;
        boolean asFloatData;
        boolean external;
        boolean packedDims = true;
        Long declaredLength;

        Init(String name, int dataType, long[] dims, byte[] data) {
            this.name = name;
            this.dataType = dataType;
            this.dims = dims;
            this.data = data;
        }
    }

    record Node(String opType, List<String> inputs, List<String> outputs) {
    }

    final List<Init> initializers = new ArrayList<>();
    final List<Node> nodes = new ArrayList<>();
    long irVersion = 6;
    long opset = 11;

    /** The export of {@code model} (parameters named without prefix). */
    static TinyBertOnnx of(BertModel model) {
        TinyBertOnnx onnx = new TinyBertOnnx();
        int seq = model.config().maxPositionEmbeddings();
        ByteBuffer positions = ByteBuffer.allocate(seq * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < seq; i++) {
            positions.putLong(i);
        }
        onnx.initializers.add(new Init("embeddings.position_ids", OnnxDataType.INT64.code(), new long[] {1, seq},
                positions.array()));
        int anonymous = 787;
        String activation = "/embeddings/LayerNorm/Add_1_output_0";
        for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
            String name = p.getKey();
            Tensor t = p.getValue();
            boolean linearWeight = name.endsWith(".weight") && t.rank() == 2 && !name.startsWith("embeddings.");
            if (!linearWeight) {
                onnx.initializers.add(new Init(name, OnnxDataType.FLOAT.code(), dims(t), t.toByteArray()));
                continue;
            }
            String weight = "onnx::MatMul_" + anonymous++;
            int out = t.dim(0);
            int in = t.dim(1);
            onnx.initializers.add(new Init(weight, OnnxDataType.FLOAT.code(), new long[] {in, out},
                    transposedBytes(t.toFloatArray(), out, in)));
            String module = "/" + name.substring(0, name.length() - ".weight".length()).replace('.', '/');
            String product = module + "/MatMul_output_0";
            onnx.nodes.add(new Node("MatMul", List.of(activation, weight), List.of(product)));
            String bias = name.substring(0, name.length() - "weight".length()) + "bias";
            String sum = module + "/Add_output_0";
            onnx.nodes.add(new Node("Add", List.of(bias, product), List.of(sum)));
            // a MatMul of two activations, as Q·Kᵀ is in the real graph: never a weight
            onnx.nodes.add(new Node("MatMul", List.of(sum, activation), List.of(module + "/Scores_output_0")));
        }
        return onnx;
    }

    private static long[] dims(Tensor t) {
        long[] d = new long[t.rank()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.dim(i);
        }
        return d;
    }

    /** [out, in] floats as little-endian bytes of the [in, out] transpose. */
    private static byte[] transposedBytes(float[] weight, int out, int in) {
        ByteBuffer b = ByteBuffer.allocate(weight.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                b.putFloat(weight[o * in + i]);
            }
        }
        return b.array();
    }

    Init initializer(String name) {
        return initializers.stream().filter(i -> i.name.equals(name)).findFirst().orElseThrow();
    }

    /** The anonymous MatMul weight whose Add reads {@code biasName}. */
    Init matmulWeightFor(String biasName) {
        for (int n = 0; n < nodes.size(); n++) {
            Node add = nodes.get(n);
            if (add.opType().equals("Add") && add.inputs().get(0).equals(biasName)) {
                String product = add.inputs().get(1);
                for (Node m : nodes) {
                    if (m.opType().equals("MatMul") && m.outputs().get(0).equals(product)) {
                        return initializer(m.inputs().get(1));
                    }
                }
            }
        }
        throw new IllegalArgumentException("no MatMul feeds the Add of " + biasName);
    }

    // ---------------------------------------------------------------- serialisation (onnx.proto field numbers)

    byte[] toBytes() {
        try {
            byte[] graph = message(out -> {
                for (Node n : nodes) {
                    out.writeByteArray(1, message(o -> {
                        for (String i : n.inputs()) {
                            o.writeString(1, i);
                        }
                        for (String x : n.outputs()) {
                            o.writeString(2, x);
                        }
                        o.writeString(4, n.opType());
                    }));
                }
                out.writeString(2, "torch_jit");
                for (Init i : initializers) {
                    out.writeByteArray(5, tensor(i));
                }
                for (String input : List.of("input_ids", "attention_mask", "token_type_ids")) {
                    out.writeByteArray(11, message(o -> o.writeString(1, input)));
                }
                out.writeByteArray(12, message(o -> o.writeString(1, "last_hidden_state")));
            });
            return message(out -> {
                out.writeInt64(1, irVersion);
                out.writeString(2, "pytorch");
                out.writeByteArray(7, graph);
                out.writeByteArray(8, message(o -> {
                    o.writeString(1, "");
                    o.writeInt64(2, opset);
                }));
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] tensor(Init i) throws IOException {
        return message(o -> {
            if (!i.packedDims) {
                for (long d : i.dims) {
                    o.writeInt64(1, d);
                }
            } else if (i.dims.length > 0) {
                // packed, as protobuf 3 writes repeated scalars
                byte[] packed = message(p -> {
                    for (long d : i.dims) {
                        p.writeInt64NoTag(d);
                    }
                });
                o.writeByteArray(1, packed);
            }
            o.writeInt32(2, i.dataType);
            if (i.asFloatData) {
                o.writeByteArray(4, i.data);
            }
            o.writeString(8, i.name);
            if (!i.asFloatData) {
                o.writeTag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                o.writeUInt64NoTag(i.declaredLength != null ? i.declaredLength : i.data.length);
                o.writeRawBytes(i.data);
            }
            if (i.external) {
                o.writeInt32(14, 1);
            }
        });
    }

    @FunctionalInterface
    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
