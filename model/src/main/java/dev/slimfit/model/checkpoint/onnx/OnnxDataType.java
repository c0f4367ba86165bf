package dev.slimfit.model.checkpoint.onnx;

/** The element types of ONNX's {@code TensorProto.DataType} that this reader names, with their sizes. */
public enum OnnxDataType {
    FLOAT(1, 4),
    UINT8(2, 1),
    INT8(3, 1),
    UINT16(4, 2),
    INT16(5, 2),
    INT32(6, 4),
    INT64(7, 8),
    STRING(8, 0),
    BOOL(9, 1),
    FLOAT16(10, 2),
    DOUBLE(11, 8),
    UINT32(12, 4),
    UINT64(13, 8),
    COMPLEX64(14, 8),
    COMPLEX128(15, 16),
    BFLOAT16(16, 2);

    private final int code;
    private final int elementBytes;

    OnnxDataType(int code, int elementBytes) {
        this.code = code;
        this.elementBytes = elementBytes;
    }

    public int code() {
        return code;
    }

    /** Bytes per element in {@code raw_data}; 0 for STRING, which has no fixed size. */
    public int elementBytes() {
        return elementBytes;
    }

    /** The type with this code, or null for a code this reader does not know (the newer 4- and 8-bit types). */
    public static OnnxDataType ofCode(int code) {
        for (OnnxDataType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** "FLOAT" or "data type 23" for messages. */
    public static String describe(int code) {
        OnnxDataType t = ofCode(code);
        return t != null ? t.name() : "data type " + code;
    }
}
