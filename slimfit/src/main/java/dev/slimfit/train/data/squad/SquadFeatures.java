package dev.slimfit.train.data.squad;

import dev.slimfit.model.tokenizer.EncodeOptions;
import dev.slimfit.model.tokenizer.Encoding;
import dev.slimfit.model.tokenizer.TokenOffsets;
import dev.slimfit.model.tokenizer.WordPieceTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts SQuAD examples into model inputs the way Hugging Face's run_qa example does (question first, the context
 * truncated "only second" with overflow): the question (leading whitespace removed) is kept whole, the context's
 * tokens are cut into windows of {@code maxLength - question - 3} tokens, each window starting
 * {@code window - docStride} tokens after the previous one (so consecutive windows share {@code docStride} tokens)
 * until one reaches the end of the context.
 *
 * <p>Labels come from the first gold answer's character span, through the tokens' character offsets
 * ({@link WordPieceTokenizer#tokenizeWithOffsets}): the start label is the window token that contains the answer's
 * first character (the last one starting at or before it), the end label the first window token that reaches the
 * answer's end. A window that does not hold the whole answer, and every window of an unanswerable question, is
 * labelled with [CLS] (position 0). Where run_qa's search can run past the window into [SEP] and padding (an answer
 * starting in the window's last token), this one stays inside the window.
 */
public final class SquadFeatures {

    /** [CLS] before the question, [SEP] after it, [SEP] after the window. */
    private static final int SPECIAL_TOKENS = 3;

    private final WordPieceTokenizer tokenizer;
    private final int maxLength;
    private final int docStride;
    private final EncodeOptions options;

    /**
     * @param tokenizer a BERT tokenizer (its pair template must be {@code [CLS] A [SEP] B [SEP]})
     * @param maxLength tokens per feature, special tokens included (384 in the paper's SQuAD runs)
     * @param docStride tokens shared by consecutive windows (128 in the paper's runs)
     */
    public SquadFeatures(WordPieceTokenizer tokenizer, int maxLength, int docStride) {
        if (docStride < 0 || maxLength <= SPECIAL_TOKENS + docStride) {
            throw new IllegalArgumentException("SQuAD features need max length > " + SPECIAL_TOKENS
                    + " + doc stride and doc stride >= 0; got max length " + maxLength + ", doc stride " + docStride);
        }
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.docStride = docStride;
        EncodeOptions unbounded = tokenizer.unboundedOptions();
        this.options = unbounded.paddedTo(maxLength);
        int before = tokenizer.pairSecondStart(0, unbounded);
        int all = tokenizer.encodeIdPair(new int[0], new int[0], unbounded).length();
        if (before != 2 || all != SPECIAL_TOKENS) {
            throw new IllegalArgumentException("SQuAD features need BERT's pair template [CLS] A [SEP] B [SEP]; "
                    + tokenizer.source() + " adds " + all + " special tokens, " + before + " before the second text");
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public int docStride() {
        return docStride;
    }

    /** The features of every example, in example order (each example's windows in context order). */
    public List<SquadFeature> of(List<SquadExample> examples) {
        List<SquadFeature> features = new ArrayList<>(examples.size());
        for (int e = 0; e < examples.size(); e++) {
            features.addAll(of(examples.get(e), e));
        }
        return features;
    }

    /** The features of one example; {@code exampleIndex} is recorded in each. */
    public List<SquadFeature> of(SquadExample example, int exampleIndex) {
        int[] question = tokenizer.tokenIds(example.question().stripLeading());
        TokenOffsets context = tokenizer.tokenizeWithOffsets(example.context());
        int window = maxLength - SPECIAL_TOKENS - question.length;
        if (window <= docStride) {
            throw new IllegalArgumentException("SQuAD question '" + example.id() + "' has " + question.length
                    + " tokens: with max length " + maxLength + " that leaves " + window + " tokens per context "
                    + "window, which must exceed the doc stride " + docStride);
        }
        int contextStart = tokenizer.pairSecondStart(question.length, options);
        int step = window - docStride;
        List<SquadFeature> features = new ArrayList<>();
        int total = context.size();
        for (int first = 0; ; first += step) {
            int last = Math.min(first + window, total);
            features.add(feature(example, exampleIndex, question, context, first, last, contextStart));
            if (last == total) {
                break;
            }
        }
        return features;
    }

    private SquadFeature feature(SquadExample example, int exampleIndex, int[] question, TokenOffsets context,
                                 int first, int last, int contextStart) {
        int[] windowIds = Arrays.copyOfRange(context.ids(), first, last);
        Encoding encoding = tokenizer.encodeIdPair(question, windowIds, options);
        int[] charStarts = new int[maxLength];
        int[] charEnds = new int[maxLength];
        Arrays.fill(charStarts, -1);
        Arrays.fill(charEnds, -1);
        int contextEnd = contextStart + (last - first);
        for (int t = first; t < last; t++) {
            charStarts[contextStart + t - first] = context.starts()[t];
            charEnds[contextStart + t - first] = context.ends()[t];
        }
        int start = SquadFeature.NO_ANSWER_POSITION;
        int end = SquadFeature.NO_ANSWER_POSITION;
        if (!example.impossible() && !example.answers().isEmpty() && contextEnd > contextStart) {
            SquadAnswer answer = example.answers().getFirst();
            boolean inside = charStarts[contextStart] <= answer.start() && charEnds[contextEnd - 1] >= answer.end();
            if (inside) {
                start = contextStart;
                while (start + 1 < contextEnd && charStarts[start + 1] <= answer.start()) {
                    start++;
                }
                end = contextEnd - 1;
                while (end - 1 >= contextStart && charEnds[end - 1] >= answer.end()) {
                    end--;
                }
            }
        }
        return new SquadFeature(exampleIndex, encoding.ids(), encoding.typeIds(), encoding.attentionMask(),
                contextStart, contextEnd, charStarts, charEnds, start, end);
    }
}
