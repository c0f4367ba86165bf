package dev.slimfit.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A vocab.txt with explicit options tokenizes exactly as the tokenizer.json it was written from. */
class VocabTxtTest {

    @TempDir
    Path dir;

    @Test
    void vocabTxtOfMiniLmEncodesLikeItsTokenizerJson() throws IOException {
        WordPieceTokenizer fromJson = TokenizerFixtures.miniLm();
        List<String> lines = new ArrayList<>();
        for (int id = 0; id < fromJson.vocabSize(); id++) {
            lines.add(fromJson.idToToken(id));
        }
        // CRLF line ends, as a vocab.txt written on Windows has: the '\r' is not part of the token
        Path vocab = Files.writeString(dir.resolve("vocab.txt"), String.join("\r\n", lines) + "\r\n");
        WordPieceTokenizer fromTxt = WordPieceTokenizer.fromVocabTxt(vocab, BertVocabOptions.uncased());
        assertEquals(fromJson.vocabSize(), fromTxt.vocabSize());

        List<String> texts = new ArrayList<>(TokenizerFixtures.hardCases());
        texts.addAll(TokenizerFixtures.reviewSample().subList(0, 400));
        EncodeOptions options = fromJson.unboundedOptions().truncatedTo(200);
        for (int i = 0; i + 1 < texts.size(); i++) {
            String text = texts.get(i);
            assertEquals(fromJson.encode(text, options), fromTxt.encode(text, options), text);
            assertEquals(fromJson.encodePair(text, texts.get(i + 1), options),
                    fromTxt.encodePair(text, texts.get(i + 1), options), text);
        }
    }

    @Test
    void missingSpecialTokensAndBadFilesNameTheFile() throws IOException {
        Path noUnk = Files.writeString(dir.resolve("no-unk.txt"), "[PAD]\n[CLS]\n[SEP]\nhello\n");
        TokenizerFileException e = assertThrows(TokenizerFileException.class,
                () -> WordPieceTokenizer.fromVocabTxt(noUnk, BertVocabOptions.uncased()));
        assertTrue(e.getMessage().startsWith(noUnk + ": the unkToken '[UNK]'"), e.getMessage());

        Path notUtf8 = Files.write(dir.resolve("latin1.txt"), "[UNK]\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(TokenizerFileException.class,
                () -> WordPieceTokenizer.fromVocabTxt(notUtf8, BertVocabOptions.uncased()));
        assertTrue(e.getMessage().startsWith(notUtf8 + ": not valid UTF-8"), e.getMessage());

        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        assertTrue(assertThrows(TokenizerFileException.class,
                () -> WordPieceTokenizer.fromVocabTxt(empty, BertVocabOptions.uncased())).getMessage()
                .contains("empty vocabulary"));
    }

    /** A token listed twice keeps the later line's id, as the Hugging Face library reads it. */
    @Test
    void aRepeatedTokenTakesTheLaterId() throws IOException {
        Path vocab = Files.writeString(dir.resolve("repeat.txt"),
                "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\nhello  \n");
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromVocabTxt(vocab, BertVocabOptions.uncased());
        assertEquals(6, tokenizer.tokenToId("hello"));
        assertEquals(List.of(2, 6, 5, 3), List.of(java.util.Arrays.stream(tokenizer.encode("Hello WORLD").ids())
                .boxed().toArray(Integer[]::new)));
    }
}
