package dev.slimfit.model.checkpoint.onnx;

import java.util.Arrays;

/**
 * One initializer (a constant tensor, e.g. a weight) of an ONNX graph: its name, element type, dims and where its
 * data lies in the file. The data is not copied when the file is parsed; {@link OnnxModelFile#data} gives a view.
 *
 * @param dataType   the ONNX {@code TensorProto.DataType} code
 * @param storage    which field holds the data
 * @param dataOffset file offset of the data (for {@link Storage#RAW_DATA} and packed {@link Storage#FLOAT_DATA})
 * @param dataLength bytes of the data
 */
public record OnnxInitializer(String name, int dataType, long[] dims, Storage storage, long dataOffset,
                              long dataLength) {

    /** Where a TensorProto keeps its values. */
    public enum Storage {
        /** Little-endian bytes in {@code raw_data}. */
        RAW_DATA,
        /** Packed little-endian floats in {@code float_data}: the same bytes as raw FLOAT data. */
        FLOAT_DATA,
        /** A typed field other than float_data (int32_data, int64_data, ...), which the importer does not read. */
        OTHER_TYPED_DATA,
        /** Data in another file ({@code data_location = EXTERNAL}), which this reader does not open. */
        EXTERNAL,
        /** No data field at all (an empty tensor, or a corrupt one). */
        NONE
    }

    public OnnxInitializer {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int axis) {
        return dims[axis];
    }

    /** Whether the bytes at {@link #dataOffset()} are little-endian FLOAT values, as the importer needs. */
    public boolean hasFloatBytes() {
        return dataType == OnnxDataType.FLOAT.code()
                && (storage == Storage.RAW_DATA || storage == Storage.FLOAT_DATA);
    }

    public String dimsText() {
        return Arrays.toString(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxInitializer i && name.equals(i.name) && dataType == i.dataType
                && Arrays.equals(dims, i.dims) && storage == i.storage && dataOffset == i.dataOffset
                && dataLength == i.dataLength;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return "OnnxInitializer[" + name + ", " + OnnxDataType.describe(dataType) + dimsText() + ", " + storage
                + "]";
    }
}
