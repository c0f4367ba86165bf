package dev.slimfit.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Activation codecs: every provider must produce the reference's bytes exactly, and decoded floats equal bit for bit.
 * The reference itself is checked against the definitions (ties to even, clamping, NaN → 0, nibble layout, top-k
 * order and tie rule) computed independently here.
 */
class CodecsKernelTest {

    /** fracBits used by the fixed-point cases: the defaults (4 for int8, 1 for int4), 0, a negative and a large one. */
    private static final int[] FRAC_BITS = {-3, 0, 1, 4, 7, 12};
    private static final int SUPPORTED_FRAC_BITS = 126;
    /** Fraction of fixed-point inputs replaced by special values (NaN, ±∞, ±0, huge, exact ties). */
    private static final double SPECIAL_FRACTION = 0.05;

    private final TestRandom random = new TestRandom();
    private final KernelProvider reference = KernelImplementations.reference();

    /** One fixed-point format: its range, its scale for a given fracBits, and how it is called. */
    private enum Format {
        INT8(-128, 127, 8), UINT8(0, 255, 8), INT4(-8, 7, 4);

        final int min;
        final int max;
        final int bits;

        Format(int min, int max, int bits) {
            this.min = min;
            this.max = max;
            this.bits = bits;
        }

        /** uint8 has a fixed scale of 256 (fracBits 8); the others use the caller's fracBits. */
        int fracBits(int requested) {
            return this == UINT8 ? 8 : requested;
        }

        long encodedBytes(int n) {
            return this == INT4 ? (n + 1) / 2 : n;
        }

        void encode(KernelProvider provider, int n, int fracBits, MemorySegment x, MemorySegment q) {
            switch (this) {
                case INT8 -> provider.codecs().encodeInt8(n, fracBits, x, q);
                case UINT8 -> provider.codecs().encodeUint8(n, x, q);
                case INT4 -> provider.codecs().encodeInt4(n, fracBits, x, q);
            }
        }

        void decode(KernelProvider provider, int n, int fracBits, MemorySegment q, MemorySegment x) {
            switch (this) {
                case INT8 -> provider.codecs().decodeInt8(n, fracBits, q, x);
                case UINT8 -> provider.codecs().decodeUint8(n, q, x);
                case INT4 -> provider.codecs().decodeInt4(n, fracBits, q, x);
            }
        }

        /** The code of element i, read back from the encoded bytes as a signed or unsigned integer. */
        int code(byte[] encoded, int i) {
            return switch (this) {
                case INT8 -> encoded[i];
                case UINT8 -> Byte.toUnsignedInt(encoded[i]);
                case INT4 -> (i % 2 == 0 ? encoded[i / 2] << 28 : encoded[i / 2] << 24) >> 28;
            };
        }

        /** The definition, in double: clamp(rint(x·2^f)), NaN → 0. */
        int expectedCode(float x, int fracBits) {
            double scaled = Math.scalb((double) x, fracBits(fracBits));
            if (Double.isNaN(scaled)) {
                return 0;
            }
            return (int) Math.max(min, Math.min(max, Math.rint(scaled)));
        }
    }

    static Stream<Arguments> providersFormatsAndLengths() {
        List<Arguments> cases = new ArrayList<>();
        RowwiseShapes.providersAndLengths().forEach(arguments -> {
            for (Format format : Format.values()) {
                cases.add(Arguments.of(arguments.get()[0], format, arguments.get()[1]));
            }
        });
        return cases.stream();
    }

    static Stream<Arguments> providersWithReferenceAndFormats() {
        List<Arguments> cases = new ArrayList<>();
        Stream.concat(Stream.of(KernelImplementations.reference()), KernelImplementations.underTest())
                .forEach(provider -> {
                    for (Format format : Format.values()) {
                        cases.add(Arguments.of(provider, format));
                    }
                });
        return cases.stream();
    }

    static Stream<KernelProvider> providersWithReference() {
        return Stream.concat(Stream.of(KernelImplementations.reference()), KernelImplementations.underTest());
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("providersFormatsAndLengths")
    void encodeGivesTheReferenceBytes(KernelProvider provider, Format format, int n) {
        for (int fracBits : FRAC_BITS) {
            float[] x = fixedPointInputs(n, format, fracBits);
            Accuracy.assertExact(encode(reference, format, fracBits, x), encode(provider, format, fracBits, x),
                    provider.name() + " encode " + format + " n=" + n + " fracBits=" + fracBits + " "
                            + random.describe());
        }
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("providersFormatsAndLengths")
    void decodeGivesTheReferenceFloatsBitForBit(KernelProvider provider, Format format, int n) {
        for (int fracBits : FRAC_BITS) {
            byte[] q = random.bytes((int) format.encodedBytes(n));
            float[] expected = decode(reference, format, fracBits, q, n);
            float[] actual = decode(provider, format, fracBits, q, n);
            String what = provider.name() + " decode " + format + " n=" + n + " fracBits=" + fracBits + " "
                    + random.describe();
            Accuracy.assertExact(bits(expected), bits(actual), what);
            float[] definition = new float[n];
            for (int i = 0; i < n; i++) {
                definition[i] = Math.scalb((float) format.code(q, i), -format.fracBits(fracBits));
            }
            Accuracy.assertExact(bits(definition), bits(actual), what + ": q·2^-f");
        }
    }

    /** Each element's code, read from the documented layout (int4: low nibble first, odd tail's high nibble 0). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersWithReferenceAndFormats")
    void encodeFollowsTheDefinitionAndLayout(KernelProvider provider, Format format) {
        for (int n : new int[] {1, 2, 17, 33, 1025}) {
            for (int fracBits : FRAC_BITS) {
                float[] x = fixedPointInputs(n, format, fracBits);
                byte[] q = encode(provider, format, fracBits, x);
                String what = provider.name() + " " + format + " n=" + n + " fracBits=" + fracBits + " "
                        + random.describe();
                assertEquals(format.encodedBytes(n), q.length, what);
                for (int i = 0; i < n; i++) {
                    assertEquals(format.expectedCode(x[i], fracBits), format.code(q, i),
                            what + ": element " + i + " = " + x[i]);
                }
                if (format == Format.INT4 && n % 2 == 1) {
                    assertEquals(0, q[n / 2] >> 4 & 0xF, what + ": high nibble after an odd last element");
                }
            }
        }
    }

    /** x·2^f = k + 0.5 exactly rounds to the even neighbour; one ulp either side rounds to the nearer integer. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersWithReferenceAndFormats")
    void tiesRoundToEvenAndNearTiesToNearest(KernelProvider provider, Format format) {
        for (int fracBits : FRAC_BITS) {
            int f = format.fracBits(fracBits);
            List<Float> inputs = new ArrayList<>();
            List<Integer> expected = new ArrayList<>();
            for (int k = format.min - 3; k <= format.max + 3; k++) {
                float tie = Math.scalb(k + 0.5f, -f);
                int even = Math.floorMod(k, 2) == 0 ? k : k + 1;
                inputs.add(tie);
                expected.add(clamp(even, format));
                inputs.add(Math.nextDown(tie));
                expected.add(clamp(k, format));
                inputs.add(Math.nextUp(tie));
                expected.add(clamp(k + 1, format));
            }
            float[] x = new float[inputs.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = inputs.get(i);
            }
            byte[] q = encode(provider, format, fracBits, x);
            for (int i = 0; i < x.length; i++) {
                assertEquals(expected.get(i), format.code(q, i), provider.name() + " " + format + " fracBits="
                        + fracBits + ": x = " + x[i] + " (x·2^f = " + Math.scalb((double) x[i], f) + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersWithReferenceAndFormats")
    void specialValuesClampAndNaNIsZero(KernelProvider provider, Format format) {
        float[] x = {Float.NaN, Float.intBitsToFloat(0xFFC0_0001), Float.intBitsToFloat(0x7F80_0001),
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, 1e30f, -1e30f,
                4.2e6f, -4.2e6f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1000f, -1000f};
        for (int fracBits : FRAC_BITS) {
            byte[] q = encode(provider, format, fracBits, x);
            for (int i = 0; i < x.length; i++) {
                assertEquals(format.expectedCode(x[i], fracBits), format.code(q, i),
                        provider.name() + " " + format + " fracBits=" + fracBits + ": x = " + x[i]);
            }
            int[] expectedSigns = {0, 0, 0, format.max, format.min, format.max, format.min};
            for (int i = 0; i < expectedSigns.length; i++) {
                assertEquals(expectedSigns[i], format.code(q, i), provider.name() + " " + format + ": x = " + x[i]);
            }
        }
    }

    /** Inside the range, decoding the encoding lands within half a step of the input. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersWithReferenceAndFormats")
    void roundTripIsWithinHalfAStep(KernelProvider provider, Format format) {
        int n = 4099;
        for (int fracBits : FRAC_BITS) {
            int f = format.fracBits(fracBits);
            float step = Math.scalb(1f, -f);
            float[] x = random.uniform(n, format.min * step, format.max * step);
            float[] back = decode(provider, format, fracBits, encode(provider, format, fracBits, x), n);
            for (int i = 0; i < n; i++) {
                assertTrue(Math.abs((double) back[i] - x[i]) <= step / 2.0, provider.name() + " " + format
                        + " fracBits=" + fracBits + ": " + x[i] + " came back as " + back[i] + " " + random.describe());
            }
        }
    }

    /** The extremes of the supported fracBits, with inputs scaled to match, still give the reference's bytes. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersWithReferenceAndFormats")
    void extremeFracBitsAreExact(KernelProvider provider, Format format) {
        for (int fracBits : new int[] {-SUPPORTED_FRAC_BITS, SUPPORTED_FRAC_BITS}) {
            float[] x = fixedPointInputs(1000, format, fracBits);
            String what = provider.name() + " " + format + " fracBits=" + fracBits + " " + random.describe();
            Accuracy.assertExact(encode(reference, format, fracBits, x), encode(provider, format, fracBits, x), what);
            byte[] q = random.bytes((int) format.encodedBytes(1000));
            Accuracy.assertExact(bits(decode(reference, format, fracBits, q, 1000)),
                    bits(decode(provider, format, fracBits, q, 1000)), what);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providersWithReference")
    void fracBitsOutsideTheSupportedRangeAreRejected(KernelProvider provider) {
        for (int fracBits : new int[] {SUPPORTED_FRAC_BITS + 1, -SUPPORTED_FRAC_BITS - 1, Integer.MIN_VALUE}) {
            try (TestBuffers buffers = new TestBuffers(provider)) {
                MemorySegment x = buffers.floats(new float[] {1});
                MemorySegment q = buffers.empty(1);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> provider.codecs().encodeInt8(1, fracBits, x, q));
                assertTrue(e.getMessage().contains("encodeInt8") && e.getMessage().contains(String.valueOf(fracBits)),
                        e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> provider.codecs().decodeInt4(1, fracBits, q, x));
            }
        }
    }

    // ---------------------------------------------------------------- top-k

    /** How the top-k inputs are drawn. */
    private enum TopKInput {
        /** Distinct magnitudes, almost surely. */
        GAUSSIAN,
        /** A handful of magnitudes of both signs, ±0 included: long runs of ties. */
        MANY_TIES,
        /** Gaussian with NaNs (several payloads, both signs), ±∞ and a few ties mixed in. */
        NON_FINITE,
        /** Magnitudes spread from subnormals to 1e30, so that the k-th largest lies many binades below the maximum. */
        WIDE_RANGE
    }

    /**
     * Row lengths beyond the row-wise suite's: the CUDA kernel reads 4-aligned rows as float4, one to many per lane
     * (256; 516 and 1,028 with a part-filled last chunk; 1,024; 3,072), other rows one float at a time (3,073).
     */
    private static final int[][] TOP_K_ROWS_BY_COLS = {{5, 256}, {3, 516}, {4, 1024}, {3, 1028}, {2, 3072}, {2, 3073}};

    static Stream<Arguments> providersShapesAndInputs() {
        List<Arguments> cases = new ArrayList<>();
        RowwiseShapes.providersAndShapes().forEach(arguments -> {
            for (TopKInput input : TopKInput.values()) {
                cases.add(Arguments.of(arguments.get()[0], arguments.get()[1], arguments.get()[2], input));
            }
        });
        KernelImplementations.underTest().forEach(provider -> {
            for (int[] shape : TOP_K_ROWS_BY_COLS) {
                for (TopKInput input : TopKInput.values()) {
                    cases.add(Arguments.of(provider, shape[0], shape[1], input));
                }
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2} {3}")
    @MethodSource("providersShapesAndInputs")
    void topKGivesTheReferenceIndicesAndValues(KernelProvider provider, int rows, int cols, TopKInput input) {
        float[] x = topKInputs(rows * cols, input);
        for (int k : ks(cols)) {
            TopK expected = encodeTopK(reference, rows, cols, k, x);
            TopK actual = encodeTopK(provider, rows, cols, k, x);
            String what = provider.name() + " top-" + k + " of " + rows + "x" + cols + " " + input + " "
                    + random.describe();
            Accuracy.assertExact(expected.indices, actual.indices, what + ": indices");
            Accuracy.assertExact(expected.valueBits, actual.valueBits, what + ": values (bits)");
        }
    }

    /** The kept set is the definition's: increasing columns, no dropped entry above a kept one, ties to the lower column. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("providersWithReferenceAndTopKInputs")
    void topKKeepsTheLargestMagnitudesLowestColumnFirst(KernelProvider provider, TopKInput input) {
        int rows = 7;
        int cols = 301;
        float[] x = topKInputs(rows * cols, input);
        for (int k : ks(cols)) {
            TopK kept = encodeTopK(provider, rows, cols, k, x);
            for (int r = 0; r < rows; r++) {
                String what = provider.name() + " top-" + k + " " + input + " row " + r + " " + random.describe();
                boolean[] isKept = new boolean[cols];
                int previous = -1;
                for (int j = 0; j < k; j++) {
                    int column = kept.indices[r * k + j];
                    assertTrue(column > previous && column < cols, what + ": indices must increase, got " + column
                            + " after " + previous);
                    previous = column;
                    isKept[column] = true;
                    assertEquals(Float.floatToRawIntBits(x[r * cols + column]), kept.valueBits[r * k + j],
                            what + ": value of column " + column);
                }
                int smallestKeptKey = Integer.MAX_VALUE;
                int lastColumnOfSmallest = -1;
                for (int c = 0; c < cols; c++) {
                    int key = magnitudeKey(x[r * cols + c]);
                    if (isKept[c] && key <= smallestKeptKey) {
                        smallestKeptKey = key;
                        lastColumnOfSmallest = c;
                    }
                }
                for (int c = 0; c < cols; c++) {
                    if (isKept[c]) {
                        continue;
                    }
                    int key = magnitudeKey(x[r * cols + c]);
                    if (key > smallestKeptKey || (key == smallestKeptKey && c < lastColumnOfSmallest)) {
                        fail(what + ": column " + c + " (" + x[r * cols + c] + ") dropped but column "
                                + lastColumnOfSmallest + " (" + x[r * cols + lastColumnOfSmallest] + ") kept");
                    }
                }
            }
        }
    }

    static Stream<Arguments> providersWithReferenceAndTopKInputs() {
        List<Arguments> cases = new ArrayList<>();
        providersWithReference().forEach(provider -> {
            for (TopKInput input : TopKInput.values()) {
                cases.add(Arguments.of(provider, input));
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("dev.slimfit.kernels.RowwiseShapes#providersAndShapes")
    void topKDecodeScattersIntoZeros(KernelProvider provider, int rows, int cols) {
        float[] x = topKInputs(rows * cols, TopKInput.NON_FINITE);
        for (int k : new int[] {0, cols / 10, cols}) {
            TopK encoded = encodeTopK(reference, rows, cols, k, x);
            int[] expected = bits(decodeTopK(reference, rows, cols, k, encoded));
            int[] actual = bits(decodeTopK(provider, rows, cols, k, encoded));
            String what = provider.name() + " decode top-" + k + " " + rows + "x" + cols + " " + random.describe();
            Accuracy.assertExact(expected, actual, what);
            int[] definition = new int[rows * cols]; // +0.0 everywhere but the kept entries
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < k; j++) {
                    int column = encoded.indices[r * k + j];
                    definition[r * cols + column] = Float.floatToRawIntBits(x[r * cols + column]);
                }
            }
            Accuracy.assertExact(definition, actual, what + ": round trip");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providersWithReference")
    void topKDecodeRejectsAnIndexOutOfRange(KernelProvider provider) {
        int rows = 5;
        int cols = 40;
        int k = 4;
        int[] indices = new int[rows * k];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = random.nextInt(cols);
        }
        int badRow = random.nextInt(rows);
        for (int bad : new int[] {cols, -1}) {
            indices[badRow * k + 2] = bad;
            try (TestBuffers buffers = new TestBuffers(provider)) {
                MemorySegment values = buffers.floats(random.gaussian(rows * k, 1));
                MemorySegment indexBuffer = buffers.ints(indices);
                MemorySegment out = buffers.emptyFloats((long) rows * cols);
                IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                        () -> provider.codecs().decodeTopK(rows, cols, k, values, indexBuffer, out));
                assertTrue(e.getMessage().contains("decodeTopK") && e.getMessage().contains("row " + badRow)
                        && e.getMessage().contains("index " + bad) && e.getMessage().contains(String.valueOf(cols)),
                        provider.name() + ": " + e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providersWithReference")
    void topKRejectsKAboveCols(KernelProvider provider) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment x = buffers.floats(random.gaussian(6, 1));
            MemorySegment values = buffers.emptyFloats(8);
            MemorySegment indices = buffers.emptyFloats(8);
            assertThrows(IllegalArgumentException.class,
                    () -> provider.codecs().encodeTopK(2, 3, 4, x, values, indices));
        }
    }

    // ---------------------------------------------------------------- inputs and calls

    /**
     * Gaussian values spread a little beyond the format's range at this fracBits (so clamping happens), with
     * {@link #SPECIAL_FRACTION} of them replaced by special values and exact ties.
     */
    private float[] fixedPointInputs(int n, Format format, int fracBits) {
        int f = format.fracBits(fracBits);
        float[] x = random.gaussian(n, Math.scalb(0.6 * (format.max - format.min), -f));
        float[] specials = {Float.NaN, Float.intBitsToFloat(0xFFC0_0000), Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 0f, -0f, 1e30f, -1e30f, Float.MIN_VALUE};
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < SPECIAL_FRACTION) {
                x[i] = random.nextDouble() < 0.5
                        ? specials[random.nextInt(specials.length)]
                        : Math.scalb(random.nextInt(format.max - format.min + 5) + format.min - 2 + 0.5f, -f);
            }
        }
        return x;
    }

    private float[] topKInputs(int n, TopKInput input) {
        float[] x = random.gaussian(n, 1);
        switch (input) {
            case GAUSSIAN -> {
            }
            case MANY_TIES -> {
                float[] levels = {0f, -0f, 0.5f, -0.5f, 1f, -1f, 2f, -2f};
                for (int i = 0; i < n; i++) {
                    x[i] = levels[random.nextInt(levels.length)];
                }
            }
            case WIDE_RANGE -> {
                for (int i = 0; i < n; i++) {
                    float magnitude = (float) Math.exp(-103 + 172 * random.nextDouble()); // e^-103 is subnormal
                    x[i] = random.nextDouble() < 0.5 ? -magnitude : magnitude;
                }
            }
            case NON_FINITE -> {
                float[] specials = {Float.NaN, Float.intBitsToFloat(0xFFC0_0000), Float.intBitsToFloat(0x7F80_0001),
                        Float.intBitsToFloat(0x7FFF_FFFF), Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1f,
                        0f};
                for (int i = 0; i < n; i++) {
                    if (random.nextDouble() < 0.1) {
                        x[i] = specials[random.nextInt(specials.length)];
                    }
                }
            }
        }
        return x;
    }

    /** k = 0, 1, 10 %, half, cols − 1 and cols, those that are valid, each once. */
    private static int[] ks(int cols) {
        return java.util.stream.IntStream.of(0, 1, cols / 10, cols / 2, cols - 1, cols)
                .filter(k -> k >= 0 && k <= cols).distinct().toArray();
    }

    private static int magnitudeKey(float value) {
        return Float.floatToRawIntBits(value) & 0x7FFF_FFFF;
    }

    private static int clamp(int value, Format format) {
        return Math.max(format.min, Math.min(format.max, value));
    }

    private static byte[] encode(KernelProvider provider, Format format, int fracBits, float[] x) {
        int n = x.length;
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment q = buffers.empty(format.encodedBytes(n));
            format.encode(provider, n, fracBits, buffers.floats(x), q);
            return buffers.readBytes(q, (int) format.encodedBytes(n));
        }
    }

    private static float[] decode(KernelProvider provider, Format format, int fracBits, byte[] q, int n) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment x = buffers.emptyFloats(n);
            format.decode(provider, n, fracBits, buffers.bytes(q), x);
            return buffers.readFloats(x, n);
        }
    }

    private record TopK(int[] valueBits, int[] indices) {
    }

    private static TopK encodeTopK(KernelProvider provider, int rows, int cols, int k, float[] x) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment values = buffers.emptyFloats((long) rows * k);
            MemorySegment indices = buffers.emptyFloats((long) rows * k);
            provider.codecs().encodeTopK(rows, cols, k, buffers.floats(x), values, indices);
            return new TopK(buffers.readInts(values, rows * k), buffers.readInts(indices, rows * k));
        }
    }

    private static float[] decodeTopK(KernelProvider provider, int rows, int cols, int k, TopK encoded) {
        try (TestBuffers buffers = new TestBuffers(provider)) {
            MemorySegment out = buffers.emptyFloats((long) rows * cols);
            provider.codecs().decodeTopK(rows, cols, k, buffers.ints(encoded.valueBits), buffers.ints(encoded.indices),
                    out);
            return buffers.readFloats(out, rows * cols);
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
