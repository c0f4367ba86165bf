package dev.slimfit.model.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Hugging Face tokenizer.json of the BERT kind into a {@link WordPieceTokenizer}. The file is untrusted:
 * anything it says is checked before use, and every problem is reported with the file and the field.
 *
 * <p>Supported: normalizer {@code BertNormalizer} or null; pre_tokenizer {@code BertPreTokenizer} or null; model
 * {@code WordPiece}; post_processor {@code TemplateProcessing}, {@code BertProcessing} or null; truncation and
 * padding sections or null; added_tokens. The decoder section is not used.
 */
final class TokenizerJsonReader {

    /** Far above any real tokenizer.json (BERT's is 0.7 MB, large multilingual ones about 20 MB). */
    static final long MAX_FILE_BYTES = 256L << 20;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(MAX_FILE_BYTES).build())
            .build());

    private static final String PAD_TOKEN_FALLBACK = "[PAD]";

    private TokenizerJsonReader() {
    }

    static WordPieceTokenizer read(Path file) throws IOException {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new TokenizerFileException(source + ": no such tokenizer file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new TokenizerFileException(source + ": " + size + " bytes, more than the " + MAX_FILE_BYTES
                    + " a tokenizer.json may have");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, source);
        }
    }

    static WordPieceTokenizer read(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at != null ? " at line " + at.getLineNr() + ", column " + at.getColumnNr() : "";
            throw new TokenizerFileException(source + ": not valid JSON (truncated or malformed)" + where + ": "
                    + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new TokenizerFileException(source + ": empty file, expected a tokenizer.json object");
        }
        if (!root.isObject()) {
            throw new TokenizerFileException(source + ": the top level must be an object, found "
                    + JsonFields.describe(root));
        }
        return new TokenizerJsonReader.Parse(new JsonFields(source), root).tokenizer();
    }

    /** One parse: the fields helper and the root, shared by the section readers. */
    private record Parse(JsonFields fields, JsonNode root) {

        WordPieceTokenizer tokenizer() throws TokenizerFileException {
            WordPieceModel model = model();
            Vocabulary vocabulary = model.vocabulary();
            BertNormalizer normalizer = normalizer();
            boolean splitWords = preTokenizer();
            List<AddedToken> added = addedTokens(vocabulary);
            int idLimit = vocabulary.idLimit();
            for (AddedToken token : added) {
                idLimit = Math.max(idLimit, token.id() + 1);
            }
            SequenceTemplate template = postProcessor(idLimit);
            Padding padding = padding(vocabulary, added, idLimit);
            Truncation truncation = truncation();
            return new WordPieceTokenizer(fields.source(), normalizer, splitWords, model, added, template,
                    new EncodeOptions(true, truncation, padding));
        }

        private WordPieceModel model() throws TokenizerFileException {
            JsonNode model = fields.object(root, "model", "model");
            String type = fields.string(model, "type", "model.type", "WordPiece");
            if (!type.equals("WordPiece")) {
                throw fields.error("model.type", "is '" + type + "'; only WordPiece models are supported");
            }
            JsonNode vocabNode = fields.object(model, "vocab", "model.vocab");
            int size = vocabNode.size();
            Map<String, Integer> ids = new HashMap<>(size * 2);
            String[] tokenOfId = new String[size];
            for (Map.Entry<String, JsonNode> entry : vocabNode.properties()) {
                String path = "model.vocab[" + quote(entry.getKey()) + "]";
                int id = fields.asNonNegativeInt(entry.getValue(), path);
                if (id >= size) {
                    // ids must number the entries 0..size-1: this bounds the id table by the file's own size
                    throw fields.error(path, "is " + id + ", outside 0.." + (size - 1) + " (the vocab has " + size
                            + " entries, and ids must number them without gaps)");
                }
                if (tokenOfId[id] != null) {
                    throw fields.error(path, "is " + id + ", already the id of " + quote(tokenOfId[id]));
                }
                tokenOfId[id] = entry.getKey();
                ids.put(entry.getKey(), id);
            }
            String unk = fields.string(model, "unk_token", "model.unk_token", "[UNK]");
            if (!ids.containsKey(unk)) {
                throw fields.error("model.unk_token", "is " + quote(unk) + ", which is not in model.vocab");
            }
            String prefix = fields.string(model, "continuing_subword_prefix", "model.continuing_subword_prefix", "##");
            int maxChars = fields.nonNegativeInt(model, "max_input_chars_per_word", "model.max_input_chars_per_word",
                    BertVocabOptions.DEFAULT_MAX_INPUT_CHARS_PER_WORD);
            return new WordPieceModel(new Vocabulary(ids, size), unk, prefix, maxChars);
        }

        private BertNormalizer normalizer() throws TokenizerFileException {
            if (JsonFields.absent(root, "normalizer")) {
                return null;
            }
            JsonNode node = fields.object(root, "normalizer", "normalizer");
            String type = fields.string(node, "type", "normalizer.type");
            if (!type.equals("BertNormalizer")) {
                throw fields.error("normalizer.type", "is '" + type + "'; only BertNormalizer (or null) is supported");
            }
            return BertNormalizer.of(
                    fields.bool(node, "clean_text", "normalizer.clean_text", true),
                    fields.bool(node, "handle_chinese_chars", "normalizer.handle_chinese_chars", true),
                    fields.nullableBool(node, "strip_accents", "normalizer.strip_accents"),
                    fields.bool(node, "lowercase", "normalizer.lowercase", true));
        }

        /** Whether BERT's pre-tokenizer is used (true) or there is none (false). */
        private boolean preTokenizer() throws TokenizerFileException {
            if (JsonFields.absent(root, "pre_tokenizer")) {
                return false;
            }
            JsonNode node = fields.object(root, "pre_tokenizer", "pre_tokenizer");
            String type = fields.string(node, "type", "pre_tokenizer.type");
            if (!type.equals("BertPreTokenizer")) {
                throw fields.error("pre_tokenizer.type", "is '" + type
                        + "'; only BertPreTokenizer (or null) is supported");
            }
            return true;
        }

        /**
         * The added tokens with their ids. A token in the vocabulary has its vocabulary id; any other gets the
         * next id after the vocabulary, in file order. The file states each id: a different one is an error.
         */
        private List<AddedToken> addedTokens(Vocabulary vocabulary) throws TokenizerFileException {
            List<AddedToken> tokens = new ArrayList<>();
            if (JsonFields.absent(root, "added_tokens")) {
                return tokens;
            }
            JsonNode array = fields.array(root, "added_tokens", "added_tokens");
            Set<String> seen = new HashSet<>();
            int nextNewId = vocabulary.idLimit();
            for (int i = 0; i < array.size(); i++) {
                String path = "added_tokens[" + i + "]";
                JsonNode node = array.get(i);
                if (!node.isObject()) {
                    throw fields.error(path, "must be an object, found " + JsonFields.describe(node));
                }
                String content = fields.string(node, "content", path + ".content");
                int declaredId = fields.nonNegativeInt(node, "id", path + ".id");
                if (content.isEmpty()) {
                    throw fields.error(path + ".content", "is empty");
                }
                if (!seen.add(content)) {
                    throw fields.error(path + ".content", "repeats the added token " + quote(content));
                }
                int vocabId = vocabulary.id(content);
                int id = vocabId >= 0 ? vocabId : nextNewId++;
                if (declaredId != id) {
                    throw fields.error(path + ".id", "is " + declaredId + " but " + quote(content) + " gets id " + id
                            + (vocabId >= 0 ? " from model.vocab" : " (the next id after the vocabulary)"));
                }
                boolean special = fields.bool(node, "special", path + ".special", false);
                tokens.add(new AddedToken(content, id,
                        fields.bool(node, "single_word", path + ".single_word", false),
                        fields.bool(node, "lstrip", path + ".lstrip", false),
                        fields.bool(node, "rstrip", path + ".rstrip", false),
                        fields.bool(node, "normalized", path + ".normalized", !special),
                        special));
            }
            return tokens;
        }

        private SequenceTemplate postProcessor(int idLimit) throws TokenizerFileException {
            if (JsonFields.absent(root, "post_processor")) {
                return SequenceTemplate.plain();
            }
            JsonNode node = fields.object(root, "post_processor", "post_processor");
            String type = fields.string(node, "type", "post_processor.type");
            return switch (type) {
                case "BertProcessing" -> bertProcessing(node, idLimit);
                case "TemplateProcessing" -> templateProcessing(node, idLimit);
                default -> throw fields.error("post_processor.type", "is '" + type
                        + "'; only TemplateProcessing, BertProcessing (or null) are supported");
            };
        }

        /** {@code "cls": ["[CLS]", 101], "sep": ["[SEP]", 102]}. */
        private SequenceTemplate bertProcessing(JsonNode node, int idLimit) throws TokenizerFileException {
            JsonNode cls = tokenAndId(node, "cls");
            JsonNode sep = tokenAndId(node, "sep");
            String clsToken = fields.asString(cls.get(0), "post_processor.cls[0]");
            int clsId = specialId(cls.get(1), "post_processor.cls[1]", idLimit);
            String sepToken = fields.asString(sep.get(0), "post_processor.sep[0]");
            int sepId = specialId(sep.get(1), "post_processor.sep[1]", idLimit);
            return SequenceTemplate.bert(clsToken, clsId, sepToken, sepId);
        }

        private JsonNode tokenAndId(JsonNode node, String name) throws TokenizerFileException {
            String path = "post_processor." + name;
            JsonNode pair = fields.array(node, name, path);
            if (pair.size() != 2) {
                throw fields.error(path, "must be [token, id], found " + JsonFields.describe(pair));
            }
            return pair;
        }

        private SequenceTemplate templateProcessing(JsonNode node, int idLimit) throws TokenizerFileException {
            Map<String, int[]> specials = new HashMap<>();
            JsonNode map = fields.object(node, "special_tokens", "post_processor.special_tokens");
            for (Map.Entry<String, JsonNode> entry : map.properties()) {
                String path = "post_processor.special_tokens[" + quote(entry.getKey()) + "]";
                JsonNode special = entry.getValue();
                if (!special.isObject()) {
                    throw fields.error(path, "must be an object, found " + JsonFields.describe(special));
                }
                JsonNode idArray = fields.array(special, "ids", path + ".ids");
                JsonNode tokenArray = fields.array(special, "tokens", path + ".tokens");
                if (idArray.size() != tokenArray.size()) {
                    throw fields.error(path, "has " + idArray.size() + " ids but " + tokenArray.size() + " tokens");
                }
                int[] ids = new int[idArray.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = specialId(idArray.get(i), path + ".ids[" + i + "]", idLimit);
                }
                specials.put(entry.getKey(), ids);
            }
            return new SequenceTemplateParts(specials).build(node);
        }

        /** Turns the single and pair piece lists into a template, checking each reference. */
        private final class SequenceTemplateParts {
            private final Map<String, int[]> specials;

            SequenceTemplateParts(Map<String, int[]> specials) {
                this.specials = specials;
            }

            SequenceTemplate build(JsonNode node) throws TokenizerFileException {
                List<SequenceTemplate.Part> single = parts(fields.array(node, "single", "post_processor.single"),
                        "post_processor.single");
                List<SequenceTemplate.Part> pair = parts(fields.array(node, "pair", "post_processor.pair"),
                        "post_processor.pair");
                try {
                    return new SequenceTemplate(single, pair);
                } catch (IllegalArgumentException e) {
                    throw fields.error("post_processor", e.getMessage());
                }
            }

            private List<SequenceTemplate.Part> parts(JsonNode array, String path) throws TokenizerFileException {
                List<SequenceTemplate.Part> parts = new ArrayList<>();
                for (int i = 0; i < array.size(); i++) {
                    String piecePath = path + "[" + i + "]";
                    JsonNode piece = array.get(i);
                    if (piece.isObject() && piece.size() == 1 && piece.has("SpecialToken")) {
                        JsonNode special = fields.object(piece, "SpecialToken", piecePath + ".SpecialToken");
                        String name = fields.string(special, "id", piecePath + ".SpecialToken.id");
                        int[] ids = specials.get(name);
                        if (ids == null) {
                            throw fields.error(piecePath + ".SpecialToken.id", "is " + quote(name)
                                    + ", which post_processor.special_tokens does not define");
                        }
                        int typeId = fields.nonNegativeInt(special, "type_id", piecePath + ".SpecialToken.type_id");
                        parts.add(new SequenceTemplate.SpecialPart(name, ids, typeId));
                    } else if (piece.isObject() && piece.size() == 1 && piece.has("Sequence")) {
                        JsonNode sequence = fields.object(piece, "Sequence", piecePath + ".Sequence");
                        String id = fields.string(sequence, "id", piecePath + ".Sequence.id");
                        if (!id.equals("A") && !id.equals("B")) {
                            throw fields.error(piecePath + ".Sequence.id", "is " + quote(id) + "; must be \"A\" or \"B\"");
                        }
                        int typeId = fields.nonNegativeInt(sequence, "type_id", piecePath + ".Sequence.type_id");
                        parts.add(new SequenceTemplate.SequencePart(id.equals("B"), typeId));
                    } else {
                        throw fields.error(piecePath, "must be {\"SpecialToken\": {...}} or {\"Sequence\": {...}}, found "
                                + JsonFields.describe(piece));
                    }
                }
                return parts;
            }
        }

        private int specialId(JsonNode node, String path, int idLimit) throws TokenizerFileException {
            int id = fields.asNonNegativeInt(node, path);
            if (id >= idLimit) {
                throw fields.error(path, "is " + id + ", outside the vocabulary (ids 0.." + (idLimit - 1) + ")");
            }
            return id;
        }

        private Truncation truncation() throws TokenizerFileException {
            if (JsonFields.absent(root, "truncation")) {
                return Truncation.NONE;
            }
            JsonNode node = fields.object(root, "truncation", "truncation");
            int maxLength = fields.nonNegativeInt(node, "max_length", "truncation.max_length");
            String strategy = fields.string(node, "strategy", "truncation.strategy", "LongestFirst");
            Truncation.Strategy parsed = switch (strategy) {
                case "LongestFirst" -> Truncation.Strategy.LONGEST_FIRST;
                case "OnlyFirst" -> Truncation.Strategy.ONLY_FIRST;
                case "OnlySecond" -> Truncation.Strategy.ONLY_SECOND;
                default -> throw fields.error("truncation.strategy", "is " + quote(strategy)
                        + "; must be LongestFirst, OnlyFirst or OnlySecond");
            };
            // stride only shapes the overflowing windows, which this tokenizer does not produce
            fields.nonNegativeInt(node, "stride", "truncation.stride", 0);
            return new Truncation(maxLength, parsed, side(node, "truncation.direction"));
        }

        private Padding padding(Vocabulary vocabulary, List<AddedToken> added, int idLimit)
                throws TokenizerFileException {
            if (JsonFields.absent(root, "padding")) {
                int padId = vocabulary.id(PAD_TOKEN_FALLBACK);
                for (AddedToken token : added) {
                    if (token.content().equals(PAD_TOKEN_FALLBACK)) {
                        padId = token.id();
                    }
                }
                return Padding.none(Math.max(padId, 0), 0);
            }
            JsonNode node = fields.object(root, "padding", "padding");
            JsonNode padIdNode = node.get("pad_id");
            int padId = padIdNode == null || padIdNode.isNull() ? 0 : specialId(padIdNode, "padding.pad_id", idLimit);
            int padTypeId = fields.nonNegativeInt(node, "pad_type_id", "padding.pad_type_id", 0);
            int multiple = fields.nonNegativeInt(node, "pad_to_multiple_of", "padding.pad_to_multiple_of", 0);
            Padding padding = Padding.none(padId, padTypeId).withMultipleOf(multiple)
                    .withSide(side(node, "padding.direction"));
            JsonNode strategy = node.get("strategy");
            if (strategy == null || strategy.isNull()) {
                throw fields.error("padding.strategy", "is missing");
            }
            if (strategy.isTextual() && strategy.textValue().equals("BatchLongest")) {
                return padding.toLongest();
            }
            if (strategy.isObject() && strategy.size() == 1 && strategy.has("Fixed")) {
                return padding.toLength(fields.nonNegativeInt(strategy, "Fixed", "padding.strategy.Fixed"));
            }
            throw fields.error("padding.strategy", "must be \"BatchLongest\" or {\"Fixed\": length}, found "
                    + JsonFields.describe(strategy));
        }

        private Side side(JsonNode node, String path) throws TokenizerFileException {
            String direction = fields.string(node, "direction", path, "Right");
            return switch (direction) {
                case "Right" -> Side.RIGHT;
                case "Left" -> Side.LEFT;
                default -> throw fields.error(path, "is " + quote(direction) + "; must be Right or Left");
            };
        }
    }

    private static String quote(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return "\"" + shown + "\"";
    }
}
