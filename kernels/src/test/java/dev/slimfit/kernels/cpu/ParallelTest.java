package dev.slimfit.kernels.cpu;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParallelTest {

    @Test
    void everyIndexIsVisitedExactlyOnce() {
        for (int threads = 1; threads <= 3; threads++) {
            Parallel parallel = Parallel.withThreads(threads);
            for (long n : new long[] {0, 1, 2, 3, 7, 1000, 12345}) {
                AtomicLongArray visits = new AtomicLongArray((int) n);
                parallel.forRange(n, 1, (start, end) -> {
                    for (long i = start; i < end; i++) {
                        visits.incrementAndGet((int) i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, visits.get(i), "threads=" + threads + " n=" + n + " index " + i);
                }
            }
        }
    }

    @Test
    void nestedCallsRunInlineAndExceptionsPropagate() {
        Parallel parallel = Parallel.withThreads(2);
        AtomicLongArray visits = new AtomicLongArray(100);
        parallel.forEachTask(4, outer -> parallel.forRange(25, 1, (s, e) -> {
            for (long i = s; i < e; i++) {
                visits.incrementAndGet((int) (outer * 25 + i));
            }
        }));
        for (int i = 0; i < 100; i++) {
            assertEquals(1, visits.get(i));
        }
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> parallel.forRange(10, 1, (s, e) -> {
                    if (s > 0) {
                        throw new IllegalStateException("chunk " + s);
                    }
                }));
        assertEquals("chunk 5", thrown.getMessage());
    }
}
