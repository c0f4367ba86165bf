package dev.slimfit.kernels.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Splits a range of work over a fixed number of threads: the caller runs the first chunk and daemon workers the
 * others. One instance per thread count is shared by every kernel. Calls made from inside a worker (nested
 * parallelism) run inline, so a kernel may call another without deadlock.
 */
public final class Parallel {

    /** Body of a parallel loop over a half-open range of indices. */
    @FunctionalInterface
    public interface RangeBody {
        void run(long start, long end);
    }

    private static final ConcurrentHashMap<Integer, Parallel> BY_THREADS = new ConcurrentHashMap<>();
    private static final ThreadLocal<Boolean> IN_WORKER = ThreadLocal.withInitial(() -> false);

    private final int threads;
    private final ExecutorService workers;

    private Parallel(int threads) {
        this.threads = threads;
        this.workers = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, runnable -> {
            Thread thread = new Thread(() -> {
                IN_WORKER.set(true);
                runnable.run();
            }, "slimfit-cpu-kernel");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The shared pool for {@code threads} threads (the caller counts as one). */
    public static Parallel withThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + threads);
        }
        return BY_THREADS.computeIfAbsent(threads, Parallel::new);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over [0, n) in at most {@link #threads()} contiguous chunks of at least {@code minChunk}
     * indices each (fewer chunks when n is small), and returns when all have finished. An exception in any chunk
     * is rethrown here.
     */
    public void forRange(long n, long minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long chunks = Math.min(threads, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks == 1 || IN_WORKER.get()) {
            body.run(0, n);
            return;
        }
        runChunks((int) chunks, chunk -> {
            long start = n * chunk / chunks;
            long end = n * (chunk + 1) / chunks;
            body.run(start, end);
        });
    }

    /** Runs {@code body.accept(i)} for every {@code i < tasks}, spread over the threads. */
    public void forEachTask(int tasks, java.util.function.IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (tasks == 1 || threads == 1 || IN_WORKER.get()) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        int chunks = Math.min(threads, tasks);
        runChunks(chunks, chunk -> {
            for (int i = chunk; i < tasks; i += chunks) {
                body.accept(i);
            }
        });
    }

    private void runChunks(int chunks, java.util.function.IntConsumer chunkBody) {
        CountDownLatch done = new CountDownLatch(chunks - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int chunk = 1; chunk < chunks; chunk++) {
            int index = chunk;
            workers.execute(() -> {
                try {
                    chunkBody.accept(index);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            chunkBody.accept(0);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error error) {
            throw error;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
