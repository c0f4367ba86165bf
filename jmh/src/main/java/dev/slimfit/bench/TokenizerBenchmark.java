package dev.slimfit.bench;

import dev.slimfit.model.assets.ImdbReview;
import dev.slimfit.model.assets.ImdbReviews;
import dev.slimfit.model.assets.MiniLmAssets;
import dev.slimfit.model.tokenizer.BatchEncoding;
import dev.slimfit.model.tokenizer.EncodeOptions;
import dev.slimfit.model.tokenizer.Encoding;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WordPiece tokenization of 1,000 real IMDB reviews (the MiniLM tokenizer): one operation is the whole set, so
 * the score is sets per second and 1/score the time for 1,000 reviews. {@code bytes} counts the UTF-8 input.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class TokenizerBenchmark {

    private static final int REVIEWS = 1_000;
    private static final long SAMPLE_SEED = 20_240_611L;

    private WordPieceTokenizer tokenizer;
    private List<String> reviews;
    private long inputBytes;
    private EncodeOptions untruncated;
    private EncodeOptions modelInput;

    @Setup(Level.Trial)
    public void load() throws IOException {
        tokenizer = MiniLmAssets.tokenizer();
        List<ImdbReview> all = new ArrayList<>(ImdbReviews.load());
        Collections.shuffle(all, new Random(SAMPLE_SEED));
        reviews = all.subList(0, REVIEWS).stream().map(ImdbReview::text).toList();
        inputBytes = reviews.stream().mapToLong(text -> text.getBytes(StandardCharsets.UTF_8).length).sum();
        untruncated = tokenizer.unboundedOptions();
        modelInput = tokenizer.unboundedOptions().truncatedTo(128).paddedToLongest();
    }

    /** Every review in full, one at a time: ids, type ids and mask. */
    @Benchmark
    public long encodeEachReview(WorkCounters work) {
        long tokens = 0;
        for (String review : reviews) {
            Encoding encoding = tokenizer.encode(review, untruncated);
            tokens += encoding.length();
        }
        work.bytes += inputBytes;
        return tokens;
    }

    /** What a training step asks for: batches of 32 truncated to 128 and padded to the longest of the batch. */
    @Benchmark
    public long encodeBatchesForTheModel(WorkCounters work) {
        long tokens = 0;
        for (int start = 0; start < reviews.size(); start += 32) {
            BatchEncoding batch = tokenizer.encodeBatch(reviews.subList(start, Math.min(reviews.size(), start + 32)),
                    modelInput);
            tokens += batch.flatIds().length;
        }
        work.bytes += inputBytes;
        return tokens;
    }
}
