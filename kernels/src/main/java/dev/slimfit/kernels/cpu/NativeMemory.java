package dev.slimfit.kernels.cpu;

import dev.slimfit.kernels.DeviceMemory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Host memory from the C allocator ({@code posix_memalign} / {@code free}) through FFM downcalls. An {@code Arena}
 * per buffer would also free deterministically, but closing a shared arena costs a thread handshake, and a confined
 * one cannot be read by the kernel worker threads; plain malloc/free has neither problem. The returned segments are
 * global-scope views: using one after {@link #free} is undefined, so the engine checks liveness before every kernel.
 */
public final class NativeMemory implements DeviceMemory {

    public static final NativeMemory INSTANCE = new NativeMemory();

    private static final MethodHandle POSIX_MEMALIGN;
    private static final MethodHandle FREE;

    /** glibc's {@code mallopt} parameter number of the mmap threshold (malloc.h). */
    static final int M_MMAP_THRESHOLD = -3;
    /**
     * Buffers of at least this size get their own mmap and go back to the system when freed. Setting the threshold
     * also stops glibc from raising it after each large free (its default dynamic behaviour), which would otherwise
     * serve later large buffers from the heap and keep freed memory resident: the process's RSS would then follow
     * the peak of everything ever allocated instead of the ledger.
     */
    public static final int MMAP_THRESHOLD_BYTES = 256 * 1024;
    private static final boolean MMAP_THRESHOLD_SET;

    static {
        Linker linker = Linker.nativeLinker();
        POSIX_MEMALIGN = linker.downcallHandle(linker.defaultLookup().find("posix_memalign").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG));
        FREE = linker.downcallHandle(linker.defaultLookup().find("free").orElseThrow(),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        MMAP_THRESHOLD_SET = setMmapThreshold(linker);
    }

    /** Calls mallopt where the C library has it (glibc); elsewhere the default allocator behaviour stays. */
    private static boolean setMmapThreshold(Linker linker) {
        var mallopt = linker.defaultLookup().find("mallopt");
        if (mallopt.isEmpty()) {
            return false;
        }
        MethodHandle handle = linker.downcallHandle(mallopt.get(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        try {
            return (int) handle.invokeExact(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Whether large buffers are guaranteed to be returned to the system when freed (glibc mallopt succeeded). */
    public static boolean returnsLargeBuffersToTheSystem() {
        return MMAP_THRESHOLD_SET;
    }

    private final ThreadLocal<MemorySegment> resultSlot =
            ThreadLocal.withInitial(() -> java.lang.foreign.Arena.global().allocate(ValueLayout.ADDRESS));

    private NativeMemory() {
    }

    @Override
    public MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative size: " + bytes + " bytes");
        }
        // Round up so that vector loops may read whole cache lines; posix_memalign(0) may return NULL.
        long rounded = Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
        MemorySegment slot = resultSlot.get();
        int rc;
        try {
            rc = (int) POSIX_MEMALIGN.invokeExact(slot, ALIGNMENT, rounded);
        } catch (Throwable t) {
            throw new IllegalStateException("posix_memalign downcall failed", t);
        }
        if (rc != 0) {
            throw new OutOfMemoryError("native allocation of " + bytes + " bytes failed (posix_memalign errno " + rc
                    + ")");
        }
        MemorySegment address = slot.get(ValueLayout.ADDRESS, 0);
        return address.reinterpret(bytes);
    }

    @Override
    public void free(MemorySegment buffer) {
        try {
            FREE.invokeExact(MemorySegment.ofAddress(buffer.address()));
        } catch (Throwable t) {
            throw new IllegalStateException("free downcall failed", t);
        }
    }

    @Override
    public void copy(MemorySegment src, MemorySegment dst, long bytes) {
        MemorySegment.copy(src, 0, dst, 0, bytes);
    }

    @Override
    public void copyFromHost(MemorySegment hostSrc, MemorySegment dst, long bytes) {
        MemorySegment.copy(hostSrc, 0, dst, 0, bytes);
    }

    @Override
    public void copyToHost(MemorySegment src, MemorySegment hostDst, long bytes) {
        MemorySegment.copy(src, 0, hostDst, 0, bytes);
    }

    @Override
    public void zero(MemorySegment dst, long bytes) {
        dst.asSlice(0, bytes).fill((byte) 0);
    }

    @Override
    public void synchronize() {
        // host kernels run synchronously
    }
}
