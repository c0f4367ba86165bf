package dev.slimfit.model.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a BERT vocab.txt: UTF-8, one token per line, the id of a token is its line number counted from 0.
 * Trailing whitespace of a line is not part of the token; when a token appears twice the later line's id wins
 * (both as the Hugging Face library reads it).
 */
final class VocabTxtReader {

    /** BERT vocabularies have 30k-120k lines of a few bytes; this leaves a wide margin. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private VocabTxtReader() {
    }

    static WordPieceTokenizer read(Path file, BertVocabOptions options) throws IOException {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new TokenizerFileException(source + ": no such vocabulary file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new TokenizerFileException(source + ": " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " a vocab.txt may have");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerFileException(source + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        List<String> lines = lines(text);
        if (lines.isEmpty()) {
            throw new TokenizerFileException(source + ": empty vocabulary");
        }
        Map<String, Integer> ids = new HashMap<>(lines.size() * 2);
        for (int line = 0; line < lines.size(); line++) {
            ids.put(stripTrailingWhitespace(lines.get(line)), line);
        }
        Vocabulary vocabulary = new Vocabulary(ids, lines.size());

        String unk = required(vocabulary, options.unkToken(), "unkToken", source);
        String cls = required(vocabulary, options.clsToken(), "clsToken", source);
        String sep = required(vocabulary, options.sepToken(), "sepToken", source);
        String pad = required(vocabulary, options.padToken(), "padToken", source);
        List<AddedToken> specials = new ArrayList<>();
        for (String token : new String[] {pad, unk, cls, sep, options.maskToken()}) {
            if (token != null && vocabulary.contains(token)
                    && specials.stream().noneMatch(t -> t.content().equals(token))) {
                specials.add(AddedToken.special(token, vocabulary.id(token)));
            }
        }
        WordPieceModel model = new WordPieceModel(vocabulary, unk, options.continuingPrefix(),
                options.maxInputCharsPerWord());
        EncodeOptions defaults = new EncodeOptions(true, Truncation.NONE, Padding.none(vocabulary.id(pad), 0));
        return new WordPieceTokenizer(source, options.normalizer(), true, model, specials,
                SequenceTemplate.bert(cls, vocabulary.id(cls), sep, vocabulary.id(sep)), defaults);
    }

    private static String required(Vocabulary vocabulary, String token, String option, String source)
            throws TokenizerFileException {
        if (token == null || !vocabulary.contains(token)) {
            throw new TokenizerFileException(source + ": the " + option + " '" + token
                    + "' of the BertVocabOptions is not a line of the vocabulary");
        }
        return token;
    }

    /** Lines ended by '\n' (a final line may lack it); a '\r' before it goes with the trailing whitespace. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int newline = text.indexOf('\n', start);
            int end = newline < 0 ? text.length() : newline;
            lines.add(text.substring(start, end));
            start = end + 1;
        }
        return lines;
    }

    private static String stripTrailingWhitespace(String line) {
        int end = line.length();
        while (end > 0) {
            int cp = line.codePointBefore(end);
            if (!UnicodeClasses.isWhitespace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return line.substring(0, end);
    }
}
