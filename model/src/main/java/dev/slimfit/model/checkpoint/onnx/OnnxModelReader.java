package dev.slimfit.model.checkpoint.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.slimfit.model.checkpoint.CheckpointFormatException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the parts of an ONNX {@code ModelProto} that weight import needs, with protobuf-java's wire-format reader
 * ({@link CodedInputStream}) and the field numbers of onnx.proto; no generated classes. Tensor data is not copied:
 * each initializer records where its bytes lie, and the reader skips over them ({@link SegmentInputStream}), so
 * parsing a 90 MB model reads and allocates little more than its structure.
 *
 * <p>The file is untrusted. Protobuf's reader refuses any length that runs past the enclosing message or the buffer,
 * so nothing here allocates more than the bytes actually present; on top of that each initializer's dims are
 * checked (non-negative, at most {@link #MAX_RANK} of them, no overflow) and must account exactly for its data
 * length, and names must be unique. Every failure is a {@link CheckpointFormatException} naming the file and,
 * inside an initializer or node, which one.
 */
public final class OnnxModelReader {

    /** Bytes protobuf's decoder buffers at a time: the structure between two tensors fits in a few refills. */
    private static final int READ_BUFFER_BYTES = 64 << 10;

    /** Most dims an initializer may have; ONNX models use a handful, and the bound caps what a corrupt file costs. */
    public static final int MAX_RANK = 32;

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_DOMAIN = 7;
    // ValueInfoProto
    private static final int VALUE_INFO_NAME = 1;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT32_DATA = 5;
    private static final int TENSOR_STRING_DATA = 6;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DOUBLE_DATA = 10;
    private static final int TENSOR_UINT64_DATA = 11;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    /** {@code TensorProto.DataLocation.EXTERNAL}. */
    private static final int DATA_LOCATION_EXTERNAL = 1;
    /** The default operator set's domain: "" (also spelled "ai.onnx"). */
    private static final String DEFAULT_DOMAIN = "";
    private static final String DEFAULT_DOMAIN_ALIAS = "ai.onnx";

    private final String source;
    private final CodedInputStream in;
    /** What is being read, for messages: "initializer #3 'name'", "node #12 (MatMul)". */
    private String context = "the model";

    private OnnxModelReader(String source, CodedInputStream in) {
        this.source = source;
        this.in = in;
    }

    /**
     * Parses the model in {@code bytes} (typically a mapped file).
     *
     * @param source the file's name for messages
     */
    public static OnnxGraph parse(MemorySegment bytes, String source) throws CheckpointFormatException {
        if (bytes.byteSize() > Integer.MAX_VALUE) {
            throw CheckpointFormatException.file(source, "has " + bytes.byteSize() + " bytes; an ONNX protobuf is "
                    + "limited to 2 GiB (larger models keep their weights in external data files)");
        }
        CodedInputStream in = CodedInputStream.newInstance(new SegmentInputStream(bytes), READ_BUFFER_BYTES);
        in.setSizeLimit(Integer.MAX_VALUE);
        OnnxModelReader reader = new OnnxModelReader(source, in);
        try {
            return reader.model();
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException e) {
            // protobuf's InvalidProtocolBufferException: truncated message, bad varint, bad wire type, ...
            throw CheckpointFormatException.file(source, "corrupt protobuf in " + reader.context + " (at byte "
                    + reader.position() + "): " + e.getMessage());
        }
    }

    /** Offset in the file of the next byte to read (the buffer is the whole file). */
    private long position() {
        return in.getTotalBytesRead();
    }

    private CheckpointFormatException error(String problem) {
        return CheckpointFormatException.file(source, context + ": " + problem);
    }

    // ---------------------------------------------------------------- ModelProto

    private OnnxGraph model() throws IOException {
        long irVersion = 0;
        long opset = 0;
        GraphContent graph = null;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case MODEL_IR_VERSION -> irVersion = varint(tag, "ir_version");
                case MODEL_OPSET_IMPORT -> {
                    long[] domainVersion = new long[1];
                    String domain = message(tag, "opset_import", () -> opsetImport(domainVersion));
                    if (domain.equals(DEFAULT_DOMAIN) || domain.equals(DEFAULT_DOMAIN_ALIAS)) {
                        opset = domainVersion[0];
                    }
                }
                case MODEL_GRAPH -> {
                    if (graph != null) {
                        throw error("has two graphs");
                    }
                    graph = message(tag, "graph", this::graph);
                }
                default -> in.skipField(tag);
            }
        }
        if (graph == null) {
            throw CheckpointFormatException.file(source, "has no graph (not an ONNX model, or truncated before it)");
        }
        return new OnnxGraph(irVersion, opset, graph.name(), graph.nodes(), graph.initializers(), graph.inputs(),
                graph.outputs());
    }

    /** A GraphProto's content; the versions come from the enclosing ModelProto. */
    private record GraphContent(String name, List<OnnxNode> nodes, Map<String, OnnxInitializer> initializers,
                                List<String> inputs, List<String> outputs) {
    }

    private String opsetImport(long[] version) throws IOException {
        String domain = DEFAULT_DOMAIN;
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case OPSET_DOMAIN -> domain = string(tag, "opset_import.domain");
                case OPSET_VERSION -> version[0] = varint(tag, "opset_import.version");
                default -> in.skipField(tag);
            }
        }
        return domain;
    }

    // ---------------------------------------------------------------- GraphProto

    private GraphContent graph() throws IOException {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxInitializer> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case GRAPH_NODE -> {
                    int index = nodes.size();
                    nodes.add(message(tag, "node #" + index, () -> node(index)));
                }
                case GRAPH_NAME -> name = string(tag, "graph.name");
                case GRAPH_INITIALIZER -> {
                    int index = initializers.size();
                    OnnxInitializer init = message(tag, "initializer #" + index, () -> tensor(index));
                    if (initializers.putIfAbsent(init.name(), init) != null) {
                        throw CheckpointFormatException.tensor(source, init.name(), "is defined twice as an "
                                + "initializer");
                    }
                }
                case GRAPH_INPUT -> inputs.add(message(tag, "graph input", this::valueInfoName));
                case GRAPH_OUTPUT -> outputs.add(message(tag, "graph output", this::valueInfoName));
                default -> in.skipField(tag);
            }
        }
        return new GraphContent(name, nodes, initializers, inputs, outputs);
    }

    private String valueInfoName() throws IOException {
        String name = "";
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == VALUE_INFO_NAME) {
                name = string(tag, "name");
            } else {
                in.skipField(tag);
            }
        }
        return name;
    }

    // ---------------------------------------------------------------- NodeProto

    private OnnxNode node(int index) throws IOException {
        String name = "";
        String opType = "";
        String domain = DEFAULT_DOMAIN;
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> inputs.add(string(tag, "input"));
                case NODE_OUTPUT -> outputs.add(string(tag, "output"));
                case NODE_NAME -> name = string(tag, "name");
                case NODE_OP_TYPE -> {
                    opType = string(tag, "op_type");
                    context = "node #" + index + " (" + opType + ")";
                }
                case NODE_DOMAIN -> domain = string(tag, "domain");
                default -> in.skipField(tag);
            }
        }
        if (opType.isEmpty()) {
            throw error("has no op_type");
        }
        return new OnnxNode(name, opType, domain, inputs, outputs);
    }

    // ---------------------------------------------------------------- TensorProto

    private OnnxInitializer tensor(int index) throws IOException {
        // dims come before the name in the file: they are checked once the whole message (and the name) is read;
        // only the first MAX_RANK are kept, so a file with millions of dims costs nothing more
        long[] dims = new long[MAX_RANK];
        int rank = 0;
        int dataType = 0;
        String name = null;
        OnnxInitializer.Storage storage = OnnxInitializer.Storage.NONE;
        long dataOffset = 0;
        long dataLength = 0;
        boolean external = false;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case TENSOR_DIMS -> {
                    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        int limit = in.pushLimit(in.readRawVarint32());
                        while (in.getBytesUntilLimit() > 0) {
                            rank = addDim(dims, rank, in.readInt64());
                        }
                        in.popLimit(limit);
                    } else {
                        rank = addDim(dims, rank, varint(tag, "dims"));
                    }
                }
                case TENSOR_DATA_TYPE -> dataType = (int) varint(tag, "data_type");
                case TENSOR_NAME -> {
                    name = string(tag, "name");
                    context = "initializer #" + index + " '" + name + "'";
                }
                case TENSOR_RAW_DATA -> {
                    requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "raw_data");
                    dataLength = in.readRawVarint32();
                    dataOffset = position();
                    in.skipRawBytes((int) dataLength);
                    storage = OnnxInitializer.Storage.RAW_DATA;
                }
                case TENSOR_FLOAT_DATA -> {
                    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        throw error("float_data is not packed; only packed float_data (what every ONNX writer "
                                + "emits) is read");
                    }
                    dataLength = in.readRawVarint32();
                    dataOffset = position();
                    in.skipRawBytes((int) dataLength);
                    storage = OnnxInitializer.Storage.FLOAT_DATA;
                }
                case TENSOR_INT32_DATA, TENSOR_STRING_DATA, TENSOR_INT64_DATA, TENSOR_DOUBLE_DATA,
                     TENSOR_UINT64_DATA -> {
                    in.skipField(tag);
                    storage = OnnxInitializer.Storage.OTHER_TYPED_DATA;
                }
                case TENSOR_EXTERNAL_DATA -> {
                    in.skipField(tag);
                    external = true;
                }
                case TENSOR_DATA_LOCATION -> external |= varint(tag, "data_location") == DATA_LOCATION_EXTERNAL;
                default -> in.skipField(tag);
            }
        }
        if (name == null || name.isEmpty()) {
            throw error("has no name");
        }
        if (rank > MAX_RANK) {
            throw CheckpointFormatException.tensor(source, name, "has " + rank + " dims, more than the "
                    + MAX_RANK + " this reader accepts");
        }
        long[] shape = Arrays.copyOf(dims, rank);
        for (long d : shape) {
            if (d < 0) {
                throw CheckpointFormatException.tensor(source, name, "has a negative dim in " + Arrays.toString(shape));
            }
        }
        if (external) {
            storage = OnnxInitializer.Storage.EXTERNAL;
        } else if (storage == OnnxInitializer.Storage.RAW_DATA || storage == OnnxInitializer.Storage.FLOAT_DATA) {
            checkDataLength(name, dataType, shape, storage, dataLength);
        }
        return new OnnxInitializer(name, dataType, shape, storage, dataOffset, dataLength);
    }

    /** Keeps the first {@link #MAX_RANK} dims and counts the rest; returns the new count. */
    private static int addDim(long[] dims, int rank, long dim) {
        if (rank < dims.length) {
            dims[rank] = dim;
        }
        return rank == Integer.MAX_VALUE ? rank : rank + 1;
    }

    /** The data must hold exactly numel elements of the data type (both bounded by the file, so no overflow). */
    private void checkDataLength(String name, int dataType, long[] dims, OnnxInitializer.Storage storage,
                                 long dataLength) throws CheckpointFormatException {
        OnnxDataType type = OnnxDataType.ofCode(dataType);
        if (storage == OnnxInitializer.Storage.FLOAT_DATA && type != OnnxDataType.FLOAT) {
            throw CheckpointFormatException.tensor(source, name, "has float_data but data type "
                    + OnnxDataType.describe(dataType));
        }
        if (type == null || type.elementBytes() == 0) {
            return; // a type whose size this reader does not know is kept as it is: the importer never reads it
        }
        long expected;
        try {
            long numel = 1;
            for (long d : dims) {
                numel = Math.multiplyExact(numel, d);
            }
            expected = Math.multiplyExact(numel, type.elementBytes());
        } catch (ArithmeticException e) {
            throw CheckpointFormatException.tensor(source, name, "dims " + Arrays.toString(dims) + " hold more "
                    + "bytes than fit in 64 bits");
        }
        if (expected != dataLength) {
            throw CheckpointFormatException.tensor(source, name, type + " dims " + Arrays.toString(dims) + " need "
                    + expected + " bytes, but its " + (storage == OnnxInitializer.Storage.RAW_DATA ? "raw_data"
                    : "float_data") + " has " + dataLength);
        }
    }

    // ---------------------------------------------------------------- wire helpers

    @FunctionalInterface
    private interface Body<T> {
        T read() throws IOException;
    }

    /** Reads one length-delimited sub-message with {@code body}, which stops at the message's end. */
    private <T> T message(int tag, String what, Body<T> body) throws IOException {
        requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        String outer = context;
        context = what;
        int length = in.readRawVarint32();
        int limit = in.pushLimit(length);
        T result = body.read();
        in.popLimit(limit);
        context = outer;
        return result;
    }

    private long varint(int tag, String what) throws IOException {
        requireWireType(tag, WireFormat.WIRETYPE_VARINT, what);
        return in.readInt64();
    }

    private String string(int tag, String what) throws IOException {
        requireWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, what);
        return in.readStringRequireUtf8();
    }

    private void requireWireType(int tag, int wireType, String what) throws CheckpointFormatException {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw error("field " + what + " has wire type " + WireFormat.getTagWireType(tag) + ", expected "
                    + wireType);
        }
    }
}
