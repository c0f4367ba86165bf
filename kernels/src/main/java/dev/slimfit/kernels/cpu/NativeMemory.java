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

    /** System property that turns the reuse of freed large blocks off ({@code -Dslimfit.cpu.reuseBlocks=false}). */
    public static final String REUSE_BLOCKS_PROPERTY = "slimfit.cpu.reuseBlocks";

    private final ThreadLocal<MemorySegment> resultSlot =
            ThreadLocal.withInitial(() -> java.lang.foreign.Arena.global().allocate(ValueLayout.ADDRESS));
    /** Large blocks go through this cache (null when turned off); small ones are recycled by malloc's own heap. */
    private final HostBlockCache largeBlocks;

    private NativeMemory() {
        boolean reuse = Boolean.parseBoolean(System.getProperty(REUSE_BLOCKS_PROPERTY, "true"));
        largeBlocks = reuse ? new HostBlockCache(new HostBlockCache.Backing() {
            @Override
            public MemorySegment allocate(long bytes) {
                return systemAllocate(bytes);
            }

            @Override
            public void free(MemorySegment block) {
                systemFree(block);
            }
        }) : null;
    }

    @Override
    public MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative size: " + bytes + " bytes");
        }
        long rounded = rounded(bytes);
        MemorySegment block = largeBlocks != null && rounded >= MMAP_THRESHOLD_BYTES
                ? largeBlocks.allocate(rounded) : systemAllocate(rounded);
        return block.reinterpret(bytes);
    }

    @Override
    public void free(MemorySegment buffer) {
        long rounded = rounded(buffer.byteSize());
        if (largeBlocks != null && rounded >= MMAP_THRESHOLD_BYTES) {
            largeBlocks.free(buffer, rounded);
        } else {
            systemFree(buffer);
        }
    }

    /** Bytes of freed large blocks kept for reuse (never more than the peak of large blocks in use, minus those). */
    public long cachedBytes() {
        return largeBlocks == null ? 0 : largeBlocks.cachedBytes();
    }

    /** Returns every cached large block to the system. */
    public void trimCache() {
        if (largeBlocks != null) {
            largeBlocks.trim();
        }
    }

    /** Rounded up so that vector loops may read whole cache lines; posix_memalign(0) may return NULL. */
    private static long rounded(long bytes) {
        return Math.max(ALIGNMENT, (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT);
    }

    private MemorySegment systemAllocate(long rounded) {
        MemorySegment slot = resultSlot.get();
        int rc;
        try {
            rc = (int) POSIX_MEMALIGN.invokeExact(slot, ALIGNMENT, rounded);
        } catch (Throwable t) {
            throw new IllegalStateException("posix_memalign downcall failed", t);
        }
        if (rc != 0) {
            throw new OutOfMemoryError("native allocation of " + rounded + " bytes failed (posix_memalign errno " + rc
                    + ")");
        }
        return slot.get(ValueLayout.ADDRESS, 0).reinterpret(rounded);
    }

    private static void systemFree(MemorySegment buffer) {
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
