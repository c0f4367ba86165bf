package dev.slimfit.model.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer, giving the same ids as the Hugging Face tokenizers library for the same
 * tokenizer.json. The pipeline of one text:
 * <ol>
 *   <li>added tokens (such as "[MASK]") are cut out of the raw text and keep their ids</li>
 *   <li>the rest is normalized ({@link BertNormalizer}), then split into words at whitespace and punctuation</li>
 *   <li>each word becomes WordPiece ids ({@link WordPieceModel})</li>
 *   <li>truncation, then the template adds [CLS]/[SEP] and type ids, then padding</li>
 * </ol>
 * Immutable and safe to share between threads.
 */
public final class WordPieceTokenizer {

    private final String source;
    private final BertNormalizer normalizer;
    private final boolean splitWords;
    private final WordPieceModel model;
    private final List<AddedToken> addedTokens;
    private final Map<String, Integer> addedIdsByContent;
    private final Map<Integer, String> addedContentById;
    private final AddedTokenMatcher rawMatcher;
    private final AddedTokenMatcher normalizedMatcher;
    private final SequenceTemplate template;
    private final EncodeOptions defaultOptions;
    private final int vocabSize;

    /**
     * @param source         the file it came from, for messages
     * @param normalizer     the normalizer, or {@code null} for none
     * @param splitWords     whether BERT's pre-tokenizer splits the text into words (else each piece is one word)
     * @param model          the WordPiece model
     * @param addedTokens    tokens matched before normalization or WordPiece
     * @param template       special tokens and type ids
     * @param defaultOptions truncation and padding from the file
     */
    WordPieceTokenizer(String source, BertNormalizer normalizer, boolean splitWords, WordPieceModel model,
                       List<AddedToken> addedTokens, SequenceTemplate template, EncodeOptions defaultOptions) {
        this.source = source;
        this.normalizer = normalizer;
        this.splitWords = splitWords;
        this.model = model;
        this.addedTokens = List.copyOf(addedTokens);
        this.template = template;
        this.defaultOptions = defaultOptions;

        Map<String, Integer> idsByContent = new HashMap<>();
        Map<Integer, String> contentById = new HashMap<>();
        List<String> rawPatterns = new ArrayList<>();
        List<AddedToken> rawTokens = new ArrayList<>();
        List<String> normalizedPatterns = new ArrayList<>();
        List<AddedToken> normalizedTokens = new ArrayList<>();
        int limit = model.vocabulary().idLimit();
        for (AddedToken token : this.addedTokens) {
            idsByContent.put(token.content(), token.id());
            contentById.put(token.id(), token.content());
            limit = Math.max(limit, token.id() + 1);
            if (token.normalized() && normalizer != null) {
                // a normalized token is searched for in normalized text, so its pattern is normalized too
                String pattern = normalizer.normalize(token.content());
                if (!pattern.isEmpty()) {
                    normalizedPatterns.add(pattern);
                    normalizedTokens.add(token);
                }
            } else if (token.normalized()) {
                normalizedPatterns.add(token.content());
                normalizedTokens.add(token);
            } else {
                rawPatterns.add(token.content());
                rawTokens.add(token);
            }
        }
        this.addedIdsByContent = Collections.unmodifiableMap(idsByContent);
        this.addedContentById = Collections.unmodifiableMap(contentById);
        this.rawMatcher = new AddedTokenMatcher(rawPatterns, rawTokens);
        this.normalizedMatcher = new AddedTokenMatcher(normalizedPatterns, normalizedTokens);
        this.vocabSize = limit;
    }

    /** Loads a Hugging Face tokenizer.json (BertNormalizer, BertPreTokenizer, WordPiece). */
    public static WordPieceTokenizer fromTokenizerJson(Path file) throws IOException {
        return TokenizerJsonReader.read(file);
    }

    /** Loads a Hugging Face tokenizer.json from a stream; {@code sourceName} names it in error messages. */
    public static WordPieceTokenizer fromTokenizerJson(InputStream in, String sourceName) throws IOException {
        return TokenizerJsonReader.read(in, sourceName);
    }

    /** Loads a BERT vocab.txt (one token per line, the id is the line number) with explicit settings. */
    public static WordPieceTokenizer fromVocabTxt(Path file, BertVocabOptions options) throws IOException {
        return VocabTxtReader.read(file, options);
    }

    /** Where this tokenizer was loaded from. */
    public String source() {
        return source;
    }

    /** The file's truncation and padding (none when it has none), with the tokenizer's pad token. */
    public EncodeOptions defaultOptions() {
        return defaultOptions;
    }

    /** Options with no truncation and no padding (special tokens added). */
    public EncodeOptions unboundedOptions() {
        return defaultOptions.withoutTruncation().withoutPadding().withSpecialTokens(true);
    }

    /** One past the largest id this tokenizer can produce: the rows an embedding table needs. */
    public int vocabSize() {
        return vocabSize;
    }

    /** The id of a token (added tokens first, then the vocabulary), or -1 when there is none. */
    public int tokenToId(String token) {
        Integer added = addedIdsByContent.get(token);
        return added != null ? added : model.vocabulary().id(token);
    }

    /** The token with this id, or {@code null} when there is none. */
    public String idToToken(int id) {
        String added = addedContentById.get(id);
        return added != null ? added : model.vocabulary().token(id);
    }

    /** The tokens of {@code text} without special tokens, truncation or padding (for inspection). */
    public List<String> tokenize(String text) {
        int[] ids = tokenIds(text);
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            tokens.add(idToToken(id));
        }
        return tokens;
    }

    /** The ids of {@code text} without special tokens, truncation or padding. */
    public int[] tokenIds(String text) {
        return idsOf(text).toArray();
    }

    /**
     * The tokens of {@code text} (no special tokens, truncation or padding) with the chars of {@code text} each one
     * covers: the ids are those of {@link #tokenIds}. For mapping character spans (such as a SQuAD answer) to tokens.
     */
    public TokenOffsets tokenizeWithOffsets(String text) {
        IntList ids = new IntList();
        IntList starts = new IntList();
        IntList ends = new IntList();
        IntList pieceEnds = new IntList();
        for (AddedTokenMatcher.Piece raw : rawMatcher.split(text)) {
            int rawStart = raw.start();
            if (raw.token() != null) {
                ids.add(raw.token().id());
                starts.add(rawStart);
                ends.add(rawStart + raw.text().length());
                continue;
            }
            AlignedText normalized = normalizer != null ? normalizer.normalizeAligned(raw.text())
                    : unchanged(raw.text());
            for (AddedTokenMatcher.Piece piece : normalizedMatcher.split(normalized.text())) {
                if (piece.token() != null) {
                    ids.add(piece.token().id());
                    starts.add(rawStart + normalized.sourceStart(piece.start()));
                    ends.add(rawStart + normalized.sourceEnd(piece.start() + piece.text().length()));
                } else if (splitWords) {
                    BertPreTokenizer.split(piece.text(), (word, wordStart) -> addWordWithOffsets(word,
                            piece.start() + wordStart, normalized, rawStart, ids, starts, ends, pieceEnds));
                } else {
                    addWordWithOffsets(piece.text(), piece.start(), normalized, rawStart, ids, starts, ends, pieceEnds);
                }
            }
        }
        return new TokenOffsets(ids.toArray(), starts.toArray(), ends.toArray());
    }

    /**
     * Tokenizes one word that starts at {@code wordStart} of the normalized text and appends its ids with their
     * ranges in the source text ({@code sourceBase} is where the normalized text's source begins).
     */
    private void addWordWithOffsets(String word, int wordStart, AlignedText normalized, int sourceBase, IntList ids,
                                    IntList starts, IntList ends, IntList pieceEnds) {
        int first = ids.size();
        pieceEnds.truncate(0);
        model.tokenize(word, ids, pieceEnds);
        int pieceStart = 0;
        for (int k = 0; k < ids.size() - first; k++) {
            int pieceEnd = pieceEnds.get(k);
            starts.add(sourceBase + normalized.sourceStart(wordStart + pieceStart));
            ends.add(sourceBase + normalized.sourceEnd(wordStart + pieceEnd));
            pieceStart = pieceEnd;
        }
    }

    /** A text that no normalizer touched: every char comes from itself. */
    private static AlignedText unchanged(String text) {
        int[] starts = new int[text.length()];
        int[] ends = new int[text.length()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = i;
            ends[i] = i + 1;
        }
        return new AlignedText(text, starts, ends);
    }

    /**
     * Encodes a pair that is already tokenized (ids as {@link #tokenIds} gives them): truncation, the template's
     * special tokens and type ids, and padding, exactly as for texts. Callers that cut a long text into windows
     * themselves (SQuAD's document stride) use this with {@link #pairSecondStart}.
     */
    public Encoding encodeIdPair(int[] first, int[] second, EncodeOptions options) {
        return pad(List.<IntList[]>of(assemble(first, second, options)), options.padding()).row(0);
    }

    /**
     * Where the second sequence begins in an untruncated pair encoding whose first sequence has
     * {@code firstLength} tokens: {@code firstLength} plus the special tokens the template puts before the second
     * sequence (2 for BERT's {@code [CLS] A [SEP] B [SEP]}).
     */
    public int pairSecondStart(int firstLength, EncodeOptions options) {
        return template.secondSequenceStart(firstLength, options.addSpecialTokens());
    }

    /** Encodes one text with {@link #defaultOptions()}. */
    public Encoding encode(String text) {
        return encode(text, defaultOptions);
    }

    public Encoding encode(String text, EncodeOptions options) {
        return encodeBatch(List.of(text), options).row(0);
    }

    /** Encodes a pair (for example question and context) with {@link #defaultOptions()}. */
    public Encoding encodePair(String first, String second) {
        return encodePair(first, second, defaultOptions);
    }

    public Encoding encodePair(String first, String second, EncodeOptions options) {
        return encodePairBatch(List.of(first), List.of(second), options).row(0);
    }

    public BatchEncoding encodeBatch(List<String> texts, EncodeOptions options) {
        List<IntList[]> rows = new ArrayList<>(texts.size());
        for (String text : texts) {
            rows.add(assemble(idsOf(text).toArray(), null, options));
        }
        return pad(rows, options.padding());
    }

    /** Encodes {@code firsts.get(i)} with {@code seconds.get(i)} for every i. */
    public BatchEncoding encodePairBatch(List<String> firsts, List<String> seconds, EncodeOptions options) {
        if (firsts.size() != seconds.size()) {
            throw new IllegalArgumentException("pair batch: " + firsts.size() + " first texts but " + seconds.size()
                    + " second texts");
        }
        List<IntList[]> rows = new ArrayList<>(firsts.size());
        for (int i = 0; i < firsts.size(); i++) {
            rows.add(assemble(idsOf(firsts.get(i)).toArray(), idsOf(seconds.get(i)).toArray(), options));
        }
        return pad(rows, options.padding());
    }

    private IntList idsOf(String text) {
        IntList ids = new IntList();
        for (AddedTokenMatcher.Piece raw : rawMatcher.split(text)) {
            if (raw.token() != null) {
                ids.add(raw.token().id());
                continue;
            }
            String normalized = normalizer != null ? normalizer.normalize(raw.text()) : raw.text();
            for (AddedTokenMatcher.Piece piece : normalizedMatcher.split(normalized)) {
                if (piece.token() != null) {
                    ids.add(piece.token().id());
                } else if (splitWords) {
                    BertPreTokenizer.split(piece.text(), word -> model.tokenize(word, ids));
                } else {
                    model.tokenize(piece.text(), ids);
                }
            }
        }
        return ids;
    }

    /** Truncates and applies the template: {ids, type ids} of one row, not yet padded. */
    private IntList[] assemble(int[] first, int[] second, EncodeOptions options) {
        int[][] kept = truncate(first, second, options);
        IntList ids = new IntList(kept[0].length + (second == null ? 0 : kept[1].length) + 4);
        IntList typeIds = new IntList(ids.size() + 4);
        template.assemble(kept[0], kept[1], options.addSpecialTokens(), ids, typeIds);
        return new IntList[] {ids, typeIds};
    }

    /** {first, second} cut to the options' max length, which counts the special tokens the template adds. */
    private int[][] truncate(int[] first, int[] second, EncodeOptions options) {
        Truncation truncation = options.truncation();
        if (!truncation.enabled()) {
            return new int[][] {first, second};
        }
        boolean pair = second != null;
        int specials = options.addSpecialTokens() ? template.specialTokenCount(pair) : 0;
        int budget = truncation.maxLength() - specials;
        if (budget < 0) {
            throw new IllegalArgumentException("truncation to " + truncation.maxLength() + " tokens leaves no room: the "
                    + (pair ? "pair" : "single") + " template of " + source + " adds " + specials + " special tokens");
        }
        int total = first.length + (pair ? second.length : 0);
        if (total <= budget) {
            return new int[][] {first, second};
        }
        int firstKeep = first.length;
        int secondKeep = pair ? second.length : 0;
        switch (truncation.strategy()) {
            case LONGEST_FIRST -> {
                if (!pair) {
                    firstKeep = budget;
                } else {
                    // the shorter sequence stays whole if the longer one still gets at least as much room;
                    // otherwise both get half of it, the odd token going to the second sequence
                    int shorter = Math.min(first.length, second.length);
                    int longer = shorter > budget ? shorter : Math.max(shorter, budget - shorter);
                    if (shorter + longer > budget) {
                        shorter = budget / 2;
                        longer = shorter + budget % 2;
                    }
                    boolean firstIsShorter = first.length <= second.length;
                    firstKeep = firstIsShorter ? shorter : longer;
                    secondKeep = firstIsShorter ? longer : shorter;
                }
            }
            case ONLY_FIRST, ONLY_SECOND -> {
                boolean cutFirst = truncation.strategy() == Truncation.Strategy.ONLY_FIRST;
                if (!cutFirst && !pair) {
                    throw new IllegalArgumentException("truncation ONLY_SECOND needs a pair; got a single sequence");
                }
                int excess = total - budget;
                int targetLength = cutFirst ? first.length : second.length;
                if (targetLength <= excess) {
                    throw new IllegalArgumentException("truncation " + truncation.strategy() + " to "
                            + truncation.maxLength() + " tokens: the " + (cutFirst ? "first" : "second")
                            + " sequence has " + targetLength + " tokens, too few to remove " + excess);
                }
                if (cutFirst) {
                    firstKeep -= excess;
                } else {
                    secondKeep -= excess;
                }
            }
        }
        return new int[][] {cut(first, firstKeep, truncation.side()), pair ? cut(second, secondKeep, truncation.side())
                : null};
    }

    private static int[] cut(int[] ids, int keep, Side side) {
        if (keep >= ids.length) {
            return ids;
        }
        return side == Side.RIGHT ? Arrays.copyOf(ids, keep)
                : Arrays.copyOfRange(ids, ids.length - keep, ids.length);
    }

    private static BatchEncoding pad(List<IntList[]> rows, Padding padding) {
        int longest = 0;
        for (IntList[] row : rows) {
            longest = Math.max(longest, row[0].size());
        }
        int target = padding.targetLength(longest);
        List<Encoding> encodings = new ArrayList<>(rows.size());
        for (IntList[] row : rows) {
            IntList ids = row[0];
            IntList typeIds = row[1];
            int length = Math.max(ids.size(), target);
            int padCount = length - ids.size();
            int offset = padding.side() == Side.LEFT ? padCount : 0;
            int[] outIds = new int[length];
            int[] outTypes = new int[length];
            int[] mask = new int[length];
            for (int i = 0; i < ids.size(); i++) {
                outIds[offset + i] = ids.get(i);
                outTypes[offset + i] = typeIds.get(i);
                mask[offset + i] = 1;
            }
            int padStart = padding.side() == Side.LEFT ? 0 : ids.size();
            for (int i = padStart; i < padStart + padCount; i++) {
                outIds[i] = padding.padId();
                outTypes[i] = padding.padTypeId();
            }
            encodings.add(new Encoding(outIds, outTypes, mask));
        }
        return new BatchEncoding(encodings);
    }

    @Override
    public String toString() {
        return "WordPieceTokenizer[" + source + ", vocab " + vocabSize + ", " + normalizer + ", "
                + addedTokens.size() + " added tokens]";
    }
}
