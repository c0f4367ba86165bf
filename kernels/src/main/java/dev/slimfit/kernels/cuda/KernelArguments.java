package dev.slimfit.kernels.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The argument block of one launch, in native memory as {@code cuLaunchKernel} wants it: each value in its own
 * 8-byte-aligned slot, and an array of pointers to the slots. Values are appended in parameter order and checked
 * against the {@link KernelFunction}'s signature as they come, so a launcher that passes the wrong type or number of
 * arguments fails here, naming the kernel and the parameter. One instance per thread, reused for every launch.
 */
public final class KernelArguments {

    /** Room for the longest parameter list (AdamW has 14) and the 200-byte strided-layout struct. */
    private static final int MAX_ARGUMENTS = 16;
    private static final int VALUE_BYTES = 512;
    private static final int SLOT_ALIGNMENT = 8;

    private final MemorySegment values;
    private final MemorySegment slotPointers;
    private KernelFunction function;
    private LaunchShape shape;
    private int count;
    private long used;
    private CudaExecution execution;

    KernelArguments(Arena arena) {
        this.values = arena.allocate(VALUE_BYTES, SLOT_ALIGNMENT);
        this.slotPointers = arena.allocate((long) MAX_ARGUMENTS * Long.BYTES, Long.BYTES);
    }

    /** Starts the arguments of a launch of {@code kernel} with {@code launchShape}. */
    KernelArguments begin(CudaExecution owner, KernelFunction kernel, LaunchShape launchShape) {
        this.execution = owner;
        this.function = kernel;
        this.shape = launchShape;
        this.count = 0;
        this.used = 0;
        return this;
    }

    /** A device buffer (its address; a null segment passes a null pointer). */
    public KernelArguments pointer(MemorySegment buffer) {
        slot(ArgumentType.POINTER).set(ValueLayout.JAVA_LONG, 0, buffer == null ? 0 : buffer.address());
        return this;
    }

    public KernelArguments int64(long value) {
        slot(ArgumentType.INT64).set(ValueLayout.JAVA_LONG, 0, value);
        return this;
    }

    public KernelArguments int32(int value) {
        slot(ArgumentType.INT32).set(ValueLayout.JAVA_INT, 0, value);
        return this;
    }

    public KernelArguments float32(float value) {
        slot(ArgumentType.FLOAT32).set(ValueLayout.JAVA_FLOAT, 0, value);
        return this;
    }

    public KernelArguments float64(double value) {
        slot(ArgumentType.FLOAT64).set(ValueLayout.JAVA_DOUBLE, 0, value);
        return this;
    }

    KernelArguments layout(StridedLayout layout) {
        MemorySegment slot = slot(ArgumentType.STRIDED_LAYOUT);
        long[] fields = layout.packed();
        for (int i = 0; i < fields.length; i++) {
            slot.setAtIndex(ValueLayout.JAVA_LONG, i, fields[i]);
        }
        return this;
    }

    /** Launches the kernel with the arguments given so far, which must be all of its parameters. */
    public void launch() {
        List<ArgumentType> expected = function.parameters();
        if (count != expected.size()) {
            throw new IllegalStateException(function.symbol() + ": launched with " + count + " arguments, the kernel "
                    + "takes " + expected.size() + " " + expected);
        }
        execution.dispatch(function, shape, this);
    }

    KernelFunction function() {
        return function;
    }

    int count() {
        return count;
    }

    /** The array of {@link #count()} pointers to the argument values: {@code cuLaunchKernel}'s kernelParams. */
    MemorySegment slotPointers() {
        return slotPointers;
    }

    /** Argument {@code index}'s bytes (for checks and test doubles). */
    MemorySegment value(int index) {
        long address = slotPointers.getAtIndex(ValueLayout.JAVA_LONG, index);
        int bytes = function.parameters().get(index).bytes();
        return values.asSlice(address - values.address(), bytes);
    }

    private MemorySegment slot(ArgumentType type) {
        List<ArgumentType> expected = function.parameters();
        if (count >= expected.size()) {
            throw new IllegalStateException(function.symbol() + ": argument " + (count + 1) + " (" + type + ") is one "
                    + "more than the kernel's " + expected.size() + " parameters " + expected);
        }
        if (expected.get(count) != type) {
            throw new IllegalStateException(function.symbol() + ": argument " + (count + 1) + " is " + type
                    + " but the kernel's parameter is " + expected.get(count) + " (parameters " + expected + ")");
        }
        long offset = align(used);
        MemorySegment slot = values.asSlice(offset, type.bytes());
        slotPointers.setAtIndex(ValueLayout.JAVA_LONG, count, slot.address());
        used = offset + type.bytes();
        count++;
        return slot;
    }

    private static long align(long offset) {
        return (offset + SLOT_ALIGNMENT - 1) / SLOT_ALIGNMENT * SLOT_ALIGNMENT;
    }
}
