package dev.slimfit.train.data.squad;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slimfit.train.data.DataFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a SQuAD JSON file: {@code {"version": ..., "data": [article...]}}, an article being
 * {@code {"title", "paragraphs": [{"context", "qas": [{"id", "question", "answers": [{"text", "answer_start"}],
 * "is_impossible"?, "plausible_answers"?}]}]}}. Articles are parsed one at a time, so a large file never sits in
 * memory as one tree.
 *
 * <p>Checked, with errors naming the file, the line where the article starts and the JSON path: every field's
 * presence and type, unique question ids, non-empty answer spans inside their context, an answerable question
 * having at least one answer and an unanswerable one none. Not checked: that the context at an answer's span spells
 * the answer's text (the reference pipelines take the span as given, and so do we).
 *
 * <p>The version is the file's {@code version} ("1.1" or "v2.0"); without one, a file with any
 * {@code is_impossible} field is 2.0.
 */
public final class SquadReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SquadReader() {
    }

    public static SquadDataset read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw DataFileException.inFile(file, "no such file");
        }
        String declaredVersion = null;
        boolean hasImpossibleField = false;
        boolean sawData = false;
        List<SquadExample> examples = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw DataFileException.inFile(file, "expected a JSON object {\"version\": ..., \"data\": [...]}"
                        + where(parser.currentTokenLocation()));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("version")) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw DataFileException.inFile(file, "\"version\" is not a string"
                                + where(parser.currentTokenLocation()));
                    }
                    declaredVersion = parser.getText();
                } else if (field.equals("data")) {
                    if (value != JsonToken.START_ARRAY) {
                        throw DataFileException.inFile(file, "\"data\" is not an array of articles"
                                + where(parser.currentTokenLocation()));
                    }
                    sawData = true;
                    int article = 0;
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        JsonLocation start = parser.currentTokenLocation();
                        JsonNode node = parser.readValueAsTree();
                        ArticleReader reader = new ArticleReader(file, start, "data[" + article + "]", ids);
                        hasImpossibleField |= reader.read(node, examples);
                        article++;
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw DataFileException.inFile(file, "unexpected content after the top-level object"
                        + where(parser.currentTokenLocation()));
            }
        } catch (JsonProcessingException e) {
            throw DataFileException.inFile(file, "malformed JSON" + where(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        }
        if (!sawData) {
            throw DataFileException.inFile(file, "no \"data\" array: not a SQuAD file");
        }
        return new SquadDataset(file, version(file, declaredVersion, hasImpossibleField), examples);
    }

    private static SquadVersion version(Path file, String declared, boolean hasImpossibleField)
            throws DataFileException {
        if (declared == null) {
            return hasImpossibleField ? SquadVersion.V2_0 : SquadVersion.V1_1;
        }
        return switch (declared) {
            case "1.1", "v1.1" -> SquadVersion.V1_1;
            case "2.0", "v2.0" -> SquadVersion.V2_0;
            default -> throw DataFileException.inFile(file, "unknown SQuAD version '" + declared
                    + "' (expected 1.1 or v2.0)");
        };
    }

    static String where(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** Checks one article's tree and turns its questions into examples. */
    private static final class ArticleReader {

        private final Path file;
        private final JsonLocation start;
        private final String path;
        private final Set<String> ids;

        ArticleReader(Path file, JsonLocation start, String path, Set<String> ids) {
            this.file = file;
            this.start = start;
            this.path = path;
            this.ids = ids;
        }

        /** Adds the article's examples; returns whether any question has an {@code is_impossible} field. */
        boolean read(JsonNode article, List<SquadExample> out) throws DataFileException {
            require(article.isObject(), path, "is not an object");
            JsonNode titleNode = article.get("title");
            String title = titleNode != null && titleNode.isTextual() ? titleNode.textValue() : "";
            JsonNode paragraphs = field(article, path, "paragraphs");
            require(paragraphs.isArray(), path + ".paragraphs", "is not an array");
            boolean impossibleField = false;
            for (int p = 0; p < paragraphs.size(); p++) {
                String paragraphPath = path + ".paragraphs[" + p + "]";
                JsonNode paragraph = paragraphs.get(p);
                require(paragraph.isObject(), paragraphPath, "is not an object");
                String context = text(paragraph, paragraphPath, "context");
                JsonNode qas = field(paragraph, paragraphPath, "qas");
                require(qas.isArray(), paragraphPath + ".qas", "is not an array");
                for (int q = 0; q < qas.size(); q++) {
                    String qaPath = paragraphPath + ".qas[" + q + "]";
                    JsonNode qa = qas.get(q);
                    require(qa.isObject(), qaPath, "is not an object");
                    impossibleField |= qa.has("is_impossible");
                    out.add(example(qa, qaPath, title, context));
                }
            }
            return impossibleField;
        }

        private SquadExample example(JsonNode qa, String qaPath, String title, String context)
                throws DataFileException {
            String id = text(qa, qaPath, "id");
            require(ids.add(id), qaPath + ".id", "repeats the question id '" + id + "'");
            String question = text(qa, qaPath, "question");
            boolean impossible = false;
            JsonNode impossibleNode = qa.get("is_impossible");
            if (impossibleNode != null) {
                require(impossibleNode.isBoolean(), qaPath + ".is_impossible", "is not true or false");
                impossible = impossibleNode.booleanValue();
            }
            List<SquadAnswer> answers = answers(qa, qaPath, "answers", context, true);
            List<SquadAnswer> plausible = qa.has("plausible_answers")
                    ? answers(qa, qaPath, "plausible_answers", context, false) : List.of();
            if (impossible) {
                require(answers.isEmpty(), qaPath + ".answers", "question '" + id
                        + "' is marked impossible but has answers");
            } else {
                require(!answers.isEmpty(), qaPath + ".answers", "question '" + id
                        + "' has no answer and is not marked impossible");
            }
            return new SquadExample(id, title, question, context, answers, impossible, plausible);
        }

        private List<SquadAnswer> answers(JsonNode qa, String qaPath, String name, String context, boolean required)
                throws DataFileException {
            JsonNode array = required ? field(qa, qaPath, name) : qa.get(name);
            require(array.isArray(), qaPath + "." + name, "is not an array");
            int contextCodePoints = context.codePointCount(0, context.length());
            List<SquadAnswer> answers = new ArrayList<>(array.size());
            for (int a = 0; a < array.size(); a++) {
                String answerPath = qaPath + "." + name + "[" + a + "]";
                JsonNode answer = array.get(a);
                require(answer.isObject(), answerPath, "is not an object");
                String text = text(answer, answerPath, "text");
                require(!text.isEmpty(), answerPath + ".text", "is empty");
                JsonNode startNode = field(answer, answerPath, "answer_start");
                require(startNode.isIntegralNumber() && startNode.canConvertToInt(), answerPath + ".answer_start",
                        "is not an integer");
                int start = startNode.intValue();
                int textCodePoints = text.codePointCount(0, text.length());
                require(start >= 0 && (long) start + textCodePoints <= contextCodePoints, answerPath,
                        "the span [" + start + ", " + ((long) start + textCodePoints) + ") of '" + text
                                + "' is not inside the context of " + contextCodePoints + " characters");
                answers.add(new SquadAnswer(text, context.offsetByCodePoints(0, start)));
            }
            return answers;
        }

        private JsonNode field(JsonNode node, String nodePath, String name) throws DataFileException {
            JsonNode value = node.get(name);
            require(value != null, nodePath, "has no \"" + name + "\"");
            return value;
        }

        private String text(JsonNode node, String nodePath, String name) throws DataFileException {
            JsonNode value = field(node, nodePath, name);
            require(value.isTextual(), nodePath + "." + name, "is not a string");
            return value.textValue();
        }

        private void require(boolean condition, String at, String problem) throws DataFileException {
            if (!condition) {
                throw DataFileException.inFile(file, at + " " + problem + " (in the article starting at line "
                        + start.getLineNr() + ")");
            }
        }
    }
}
