package dev.slimfit.engine;

import dev.slimfit.engine.autograd.Node;
import dev.slimfit.engine.ops.Ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An n-dimensional view (shape, strides and offset, in elements) of a device {@link Storage}. Views share storage
 * without copying; {@link #contiguous()} copies only when the layout requires it. A tensor holds one reference to
 * its storage and releases it on {@link #close()}: native and device memory is never left to the garbage collector.
 * Tensors created while a {@link Scope} is open are closed with it, unless kept.
 *
 * <p>Autograd state lives here too: {@link #requiresGrad()}, the accumulated {@link #grad()} of a leaf, and the
 * {@link Node} that produced a non-leaf.
 */
public final class Tensor implements AutoCloseable {

    private final Storage storage;
    private final DType dtype;
    private final Shape shape;
    private final long[] strides;
    private final long offset;
    private boolean closed;
    private String name;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    private Tensor(Storage storage, DType dtype, Shape shape, long[] strides, long offset) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /**
     * A new contiguous tensor with undefined contents. Workspace tensors join the current {@link Scope}; tensors of
     * any other category are owned by the caller (a model, an optimizer, autograd).
     */
    public static Tensor empty(Device device, DType dtype, Shape shape, Category category, String owner) {
        Storage storage = Storage.allocate(device, dtype.byteSize(shape.numel()), category, owner);
        Tensor t = new Tensor(storage, dtype, shape, shape.contiguousStrides(), 0);
        if (category == Category.WORKSPACE) {
            Scope.registerInCurrent(t);
        }
        return t;
    }

    /** A workspace tensor labelled with the current {@link Names} path and {@code op}. */
    public static Tensor workspace(Device device, DType dtype, Shape shape, String op) {
        return empty(device, dtype, shape, Category.WORKSPACE, Names.label(op));
    }

    public static Tensor zeros(Device device, DType dtype, Shape shape, Category category, String owner) {
        Tensor t = empty(device, dtype, shape, category, owner);
        device.memory().zero(t.storage.segment(), t.storage.bytes());
        return t;
    }

    /** A float32 workspace tensor holding a copy of {@code values}. */
    public static Tensor of(Device device, float[] values, int... dims) {
        return fromFloats(device, values, Shape.of(dims), Category.WORKSPACE, Names.label("constant"));
    }

    /** An int32 workspace tensor holding a copy of {@code values}. */
    public static Tensor ofInts(Device device, int[] values, int... dims) {
        Shape shape = Shape.of(dims);
        checkLength("ofInts", values.length, shape);
        Tensor t = empty(device, DType.I32, shape, Category.WORKSPACE, Names.label("constant"));
        t.copyFromHost(MemorySegment.ofArray(values), (long) values.length * Integer.BYTES);
        return t;
    }

    public static Tensor fromFloats(Device device, float[] values, Shape shape, Category category, String owner) {
        checkLength("fromFloats", values.length, shape);
        Tensor t = empty(device, DType.F32, shape, category, owner);
        t.copyFromHost(MemorySegment.ofArray(values), (long) values.length * Float.BYTES);
        return t;
    }

    /** A float32 scalar (rank 0) workspace tensor. */
    public static Tensor scalar(Device device, float value) {
        return of(device, new float[] {value});
    }

    private static void checkLength(String op, int length, Shape shape) {
        if (length != shape.numel()) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + shape + " ("
                    + shape.numel() + " elements)");
        }
    }

    /** Copies {@code bytes} bytes of host memory (heap or native) into this tensor, which must be contiguous. */
    public void copyFromHost(MemorySegment host, long bytes) {
        checkOpen("copyFromHost");
        requireContiguous("copyFromHost");
        if (bytes != byteSize()) {
            throw new IllegalArgumentException("copyFromHost: " + bytes + " bytes for tensor " + describe() + " of "
                    + byteSize() + " bytes");
        }
        if (bytes == 0) {
            return;
        }
        if (device().isHost() || host.isNative()) {
            device().memory().copyFromHost(host, segment(), bytes);
        } else {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment staging = arena.allocate(bytes, 64);
                MemorySegment.copy(host, 0, staging, 0, bytes);
                device().memory().copyFromHost(staging, segment(), bytes);
            }
        }
    }

    // ---------------------------------------------------------------- views (not differentiable; see Ops)

    /** A new tensor object over the same storage with another layout; used by view ops. */
    public Tensor view(Shape newShape, long[] newStrides, long newOffset) {
        checkOpen("view");
        if (dtype.isPacked() && (newOffset != 0 || !Arrays.equals(newStrides, newShape.contiguousStrides()))) {
            throw new UnsupportedOperationException("view: " + dtype + " tensors can only be reshaped as a whole, not "
                    + "sliced or permuted (" + describe() + ")");
        }
        storage.retain();
        Tensor t = new Tensor(storage, dtype, newShape, newStrides, newOffset);
        Scope.registerInCurrent(t);
        return t;
    }

    /**
     * Another handle on the same data and layout, holding its own storage reference, <em>outside</em> the autograd
     * graph (like {@code detach()}): for saved slots and kernel operands. For a handle that gradients flow through,
     * use {@link dev.slimfit.engine.ops.Ops#identity}.
     */
    public Tensor alias() {
        return view(shape, strides.clone(), offset);
    }

    // ---------------------------------------------------------------- accessors

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int[] dims() {
        return shape.toArray();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int rank() {
        return shape.rank();
    }

    public long numel() {
        return shape.numel();
    }

    public long[] strides() {
        return strides.clone();
    }

    public long offset() {
        return offset;
    }

    public Device device() {
        return storage.device();
    }

    /** Bytes of this tensor's elements (not of the whole storage). */
    public long byteSize() {
        return dtype.byteSize(numel());
    }

    /** Bytes of the storage this tensor keeps alive. */
    public long storageBytes() {
        return storage.bytes();
    }

    public Category category() {
        return storage.category();
    }

    public String owner() {
        return storage.owner();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Whether two tensors view the same storage. */
    public boolean sharesStorageWith(Tensor other) {
        return storage == other.storage;
    }

    /** Identity of the underlying buffer (for de-duplicating saves of one buffer). */
    public Object storageKey() {
        return storage;
    }

    public boolean isContiguous() {
        long expected = 1;
        int[] dims = shape.toArray();
        for (int i = dims.length - 1; i >= 0; i--) {
            if (dims[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= dims[i];
        }
        return true;
    }

    /**
     * The buffer of this contiguous tensor, starting at its first element (a device handle on non-host devices).
     */
    public MemorySegment segment() {
        checkOpen("segment");
        requireContiguous("segment");
        return storage.segment().asSlice(dtype.byteSize(offset), byteSize());
    }

    /** The storage buffer from this view's first element to the end, for strided kernels. */
    public MemorySegment baseSegment() {
        checkOpen("baseSegment");
        return storage.segment().asSlice(dtype.byteSize(offset));
    }

    // ---------------------------------------------------------------- names and autograd

    /** The parameter name (Hugging Face style), or null. */
    public String name() {
        return name;
    }

    public Tensor name(String newName) {
        this.name = newName;
        return this;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as trainable (or frozen). A frozen leaf gets no gradient buffer and costs backward nothing. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor " + describe()
                    + "; use GradMode.disabled() or detach()");
        }
        if (value && dtype != DType.F32) {
            throw new IllegalArgumentException("only float32 tensors can require grad, not " + describe());
        }
        this.requiresGrad = value;
        return this;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    public Node gradFn() {
        return gradFn;
    }

    /** Called by ops: attaches the node that produced this tensor. */
    public void gradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = node != null;
    }

    /** The accumulated gradient of a leaf, or null when none exists (never computed, or released). */
    public Tensor grad() {
        return grad;
    }

    /** Called by autograd and optimizers: sets or clears the gradient (closing the previous one is the caller's). */
    public void grad(Tensor newGrad) {
        this.grad = newGrad;
    }

    /** For autograd: counts this tensor's buffer as an activation (if it is workspace) while a saved slot holds it. */
    public void holdAsActivation(String slotOwner) {
        storage.holdAsActivation(slotOwner);
    }

    /** For autograd: ends a hold taken by {@link #holdAsActivation}. */
    public void releaseActivationHold() {
        storage.releaseActivationHold();
    }

    /**
     * For autograd: turns a freshly computed workspace result into a long-lived buffer of another category (a
     * parameter's gradient) without copying, when this handle is the buffer's only user. Returns false (and changes
     * nothing) when the buffer is shared or is not exactly this tensor's elements.
     */
    public boolean adoptAs(Category newCategory, String newOwner) {
        checkOpen("adoptAs");
        if (!storage.isSoleReference() || offset != 0 || !isContiguous() || storage.bytes() != byteSize()
                || storage.category() != Category.WORKSPACE) {
            return false;
        }
        storage.recategorize(newCategory, newOwner);
        Scope.unregisterFromCurrent(this);
        return true;
    }

    /**
     * Whether this handle is the only one on its buffer, whatever its layout (a permuted view included): an op that
     * consumes it may then write into the elements it covers.
     */
    public boolean isOnlyHandleOnBuffer() {
        return !closed && storage.isSoleReference();
    }

    /**
     * Whether this handle is the only user of its whole buffer (no view, alias or saved slot shares it): then an op
     * that consumes this tensor may overwrite it in place instead of allocating its output.
     */
    public boolean isSoleOwner() {
        return !closed && storage.isSoleReference() && offset == 0 && isContiguous()
                && storage.bytes() == byteSize();
    }

    /** Frees the gradient buffer, if any. */
    public void releaseGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    // ---------------------------------------------------------------- convenience forwards to Ops

    public Tensor reshape(int... newDims) {
        return Ops.reshape(this, newDims);
    }

    public Tensor permute(int... order) {
        return Ops.permute(this, order);
    }

    public Tensor transpose(int axisA, int axisB) {
        return Ops.transpose(this, axisA, axisB);
    }

    public Tensor narrow(int axis, int start, int length) {
        return Ops.narrow(this, axis, start, length);
    }

    public Tensor contiguous() {
        return Ops.contiguous(this);
    }

    // ---------------------------------------------------------------- host access

    /** Copies the elements (in row-major order) of a float32 tensor to a Java array. */
    public float[] toFloatArray() {
        checkOpen("toFloatArray");
        if (dtype != DType.F32) {
            throw new IllegalArgumentException("toFloatArray: tensor " + describe() + " is not F32");
        }
        float[] out = new float[Math.toIntExact(numel())];
        copyToHost(MemorySegment.ofArray(out));
        return out;
    }

    public int[] toIntArray() {
        checkOpen("toIntArray");
        if (dtype != DType.I32) {
            throw new IllegalArgumentException("toIntArray: tensor " + describe() + " is not I32");
        }
        int[] out = new int[Math.toIntExact(numel())];
        copyToHost(MemorySegment.ofArray(out));
        return out;
    }

    public byte[] toByteArray() {
        checkOpen("toByteArray");
        byte[] out = new byte[Math.toIntExact(byteSize())];
        copyToHost(MemorySegment.ofArray(out));
        return out;
    }

    /** The value of a one-element float32 tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor " + describe() + " has " + numel() + " elements, not 1");
        }
        return toFloatArray()[0];
    }

    /** Reads one float32 element of a host tensor by row-major index tuple (slow; for tests and debugging). */
    public float getFloat(int... index) {
        checkOpen("getFloat");
        if (!device().isHost()) {
            throw new UnsupportedOperationException("getFloat on device " + device().name());
        }
        if (index.length != rank()) {
            throw new IllegalArgumentException("getFloat: " + index.length + " indices for " + describe());
        }
        long element = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape.dim(d)) {
                throw new IndexOutOfBoundsException("getFloat: index " + index[d] + " out of range for dimension " + d
                        + " of " + describe());
            }
            element += index[d] * strides[d];
        }
        return storage.segment().getAtIndex(ValueLayout.JAVA_FLOAT, element);
    }

    private void copyToHost(MemorySegment heap) {
        Tensor source = isContiguous() ? this : Ops.contiguous(this);
        try {
            long bytes = source.byteSize();
            if (bytes == 0) {
                return;
            }
            if (device().isHost()) {
                MemorySegment.copy(source.segment(), 0, heap, 0, bytes);
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment staging = arena.allocate(bytes, 64);
                    device().memory().copyToHost(source.segment(), staging, bytes);
                    device().memory().synchronize();
                    MemorySegment.copy(staging, 0, heap, 0, bytes);
                }
            }
        } finally {
            if (source != this) {
                source.close();
            }
        }
    }

    // ---------------------------------------------------------------- checks and lifecycle

    /** Throws {@link IllegalStateException} naming the op when this tensor has been closed. */
    public void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": tensor " + describe() + " is closed");
        }
    }

    private void requireContiguous(String op) {
        if (!isContiguous()) {
            throw new IllegalStateException(op + ": tensor " + describe() + " is not contiguous (strides "
                    + Arrays.toString(strides) + "); call contiguous() first");
        }
    }

    /** "'name' F32[2, 3]" or "F32[2, 3] (owner)". */
    public String describe() {
        String label = name != null ? "'" + name + "' " : "";
        return label + dtype + shape + (name == null ? " (" + storage.owner() + ")" : "");
    }

    /** Releases this handle's storage reference (and its gradient, for a leaf); idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        storage.release();
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    @Override
    public String toString() {
        return "Tensor" + describe();
    }
}
