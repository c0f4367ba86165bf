package dev.slimfit.kernels;

import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shapes for the row-wise kernel tests: every pairing of the sizes below (empty, single, odd, not a multiple of any
 * vector width, and the BERT-like 128 and 768), crossed with every provider under test.
 */
public final class RowwiseShapes {

    /** 0 and 1 are the edge cases; 3, 17, 33, 127, 129 and 769 sit off every vector width; 128 and 768 are BERT's. */
    public static final int[] SIZES = {0, 1, 3, 17, 33, 127, 128, 129, 768, 769};

    /** Shapes larger than this many elements are left out: they add time, not cases (768 and 769 still appear). */
    private static final long MAX_ELEMENTS = 128L * 1024;

    private RowwiseShapes() {
    }

    /** Arguments (provider, rows, cols). */
    public static Stream<Arguments> providersAndShapes() {
        List<Arguments> cases = new ArrayList<>();
        for (KernelProvider provider : KernelImplementations.underTest().toList()) {
            for (int rows : SIZES) {
                for (int cols : SIZES) {
                    if ((long) rows * cols <= MAX_ELEMENTS) {
                        cases.add(Arguments.of(provider, rows, cols));
                    }
                }
            }
        }
        return cases.stream();
    }

    /** Arguments (provider, n) for flat kernels: the sizes above plus one large enough to be split over threads. */
    public static Stream<Arguments> providersAndLengths() {
        List<Arguments> cases = new ArrayList<>();
        for (KernelProvider provider : KernelImplementations.underTest().toList()) {
            for (int n : SIZES) {
                cases.add(Arguments.of(provider, n));
            }
            cases.add(Arguments.of(provider, 300_007));
        }
        return cases.stream();
    }
}
